/** The software renderer's public API: the render contract's types, the rasteriser, cameras, height maps. */
export {
  orbitEyeAndUp,
  PANDA_GYM_CAMERA,
  pandaGymCamera,
  projectPoint,
  quaternionFromEuler,
  type ResolvedCamera,
  ravensCamera,
  ravensOracleCamera,
  resolveCamera,
} from "./camera.ts";
export { extrudeOutline } from "./extrude.ts";
export {
  type CameraView,
  CLIPORT_BOUNDS,
  CLIPORT_PIXEL_SIZE,
  fuseHeightmap,
  type Heightmap,
  type HeightmapOptions,
  renderHeightmap,
} from "./heightmap.ts";
export { Rasterizer, type RasterizerOptions } from "./rasterizer.ts";
export type {
  Camera,
  GeomKind,
  OrbitCamera,
  PinholeCamera,
  RenderOptions,
  SceneGeom,
  TriangleMesh,
  Vec3,
} from "./scene.ts";
export type { ShadowModel } from "./shadow-map.ts";
