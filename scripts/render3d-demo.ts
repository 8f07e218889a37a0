/**
 * Draws the renderer's Panda-like test scene (src/env/render3d/demo-scene.ts, not the real Panda) to
 * docs/img/render3d-demo.png (panda-gym's default camera, 720x480, shadows) and docs/img/render3d-demo-front.png
 * (Ravens' front camera, 640x480).   npx tsx scripts/render3d-demo.ts
 */
import { pandaGymCamera, ravensCamera } from "../src/env/render3d/camera.ts";
import { pandaLikeDynamic, pandaLikeStatic } from "../src/env/render3d/demo-scene.ts";
import { Rasterizer } from "../src/env/render3d/rasterizer.ts";
import { writePng } from "../src/image/png.ts";

const panda = new Rasterizer({ width: 720, height: 480, shadows: true });
panda.setStatic(pandaLikeStatic());
await writePng("docs/img/render3d-demo.png", panda.render(pandaLikeDynamic(0.5), pandaGymCamera()));
const front = new Rasterizer({ width: 640, height: 480, shadows: true });
front.setStatic(pandaLikeStatic());
await writePng(
  "docs/img/render3d-demo-front.png",
  front.render(pandaLikeDynamic(0.5), ravensCamera("front")),
);
console.log("wrote docs/img/render3d-demo.png and docs/img/render3d-demo-front.png");
