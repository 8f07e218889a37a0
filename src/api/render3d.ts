/**
 * `vlmcar/render3d`: the software 3D renderer behind the robot scenes (rasteriser, cameras, height maps)
 * and the scene types of its render contract.
 */
export * from "../env/render3d/index.ts";
