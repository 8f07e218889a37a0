import { make } from "../src/env/index.ts";
import type { PandaEnv } from "../src/env/panda/index.ts";
import { writePng } from "../src/image/png.ts";
for (const t of ["Push", "Slide", "PickAndPlace", "Stack", "Flip", "Reach"]) {
  const env = make(`Panda${t}-v3`) as unknown as PandaEnv;
  env.reset({ seed: 1 });
  const t0 = performance.now();
  const f = env.render();
  const t1 = performance.now();
  env.render();
  console.log(t, (t1 - t0).toFixed(1), (performance.now() - t1).toFixed(1));
  await writePng(`scratch/${t}.png`, f);
}
