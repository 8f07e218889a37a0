/**
 * Writes the first frame of each Panda task (seed 1, panda-gym's default camera and size) to
 * docs/images/panda-<task>.png: `npx tsx scripts/panda-frames.ts [outDir]`.
 */
import { join } from "node:path";
import { make } from "../src/env/index.ts";
import { PANDA_TASKS, type PandaEnv } from "../src/env/panda/index.ts";
import { writePng } from "../src/image/png.ts";

const outDir = process.argv[2] ?? "docs/images";
for (const task of PANDA_TASKS) {
  const env = make(`Panda${task}-v3`) as unknown as PandaEnv;
  env.reset({ seed: 1 });
  const path = join(outDir, `panda-${task.toLowerCase()}.png`);
  await writePng(path, env.render());
  env.close();
  console.log(path);
}
