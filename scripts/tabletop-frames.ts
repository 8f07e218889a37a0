/**
 * Writes, per tabletop task, Ravens' front camera (640x480) at reset and after the oracle's episode side by side
 * to docs/img/tabletop-<task>.png: `npx tsx scripts/tabletop-frames.ts [outDir] [task ...]` (default: the
 * packing and kitting tasks). packing-shapes uses the first seed whose goal is the letter M (the paper's example).
 */
import { join } from "node:path";
import { make } from "../src/env/index.ts";
import type { TabletopEnv } from "../src/env/tabletop/index.ts";
import { hstack } from "../src/image/compose.ts";
import { writePng } from "../src/image/png.ts";
import { TabletopOracle } from "../src/policies/tabletop/index.ts";

const [outDir = "docs/img", ...given] = process.argv.slice(2);
const tasks = given.length ? given : ["packing-shapes", "packing-boxes-pairs-seen-colors", "assembling-kits"];
for (const task of tasks) {
  const env = make(`Tabletop-${task}-v0`) as unknown as TabletopEnv;
  let seed = 0;
  if (task === "packing-shapes") {
    while (!String(env.reset({ seed }).info.lang_goal).includes("letter M")) seed++;
  }
  let { obs, info } = env.reset({ seed });
  const first = env.render();
  const oracle = new TabletopOracle();
  oracle.reset(env as never, seed);
  let total = 0;
  for (;;) {
    const r = env.step(oracle.act(obs, env as never));
    obs = r.obs;
    total += r.reward;
    if (r.terminated || r.truncated) break;
  }
  const path = join(outDir, `tabletop-${task.replace(/-seen-colors$/, "")}.png`);
  await writePng(path, hstack([first, env.render()], 8));
  console.log(`${path}: seed ${seed}, "${info.lang_goal}", oracle return ${total.toFixed(2)}`);
  env.close();
}
