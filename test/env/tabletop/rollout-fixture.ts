/**
 * Prints one put-block-in-bowl episode as text (the sha-256 of every frame, rewards, object positions), for
 * the determinism test to compare across processes. Run: tsx test/env/tabletop/rollout-fixture.ts <seed>.
 */
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { make } from "../../../src/env/index.ts";
import type { TabletopEnv } from "../../../src/env/tabletop/index.ts";
import { TabletopOracle } from "../../../src/policies/tabletop/index.ts";

export function tabletopRollout(seed: number): string {
  const env = make("Tabletop-put-block-in-bowl-seen-colors-v0") as unknown as TabletopEnv;
  const policy = new TabletopOracle();
  const lines: string[] = [];
  const hash = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
  try {
    let { obs } = env.reset({ seed });
    policy.reset(env as never, seed);
    lines.push(`reset ${hash(obs)}`);
    for (let t = 0; t < 10; t++) {
      const r = env.step(policy.act(obs, env as never));
      obs = r.obs;
      const where = env
        .objectStates()
        .map((s) => `${s.x.toFixed(6)},${s.y.toFixed(6)},${s.z.toFixed(6)}`)
        .join(" ");
      lines.push(`step ${t} ${hash(obs)} ${r.reward} ${r.terminated} ${r.truncated} ${where}`);
      if (r.terminated || r.truncated) break;
    }
  } finally {
    env.close();
  }
  return lines.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.stdout.write(tabletopRollout(Number(process.argv[2] ?? 0)));
}
