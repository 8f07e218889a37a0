/**
 * `vlmcar/panda`: panda-gym v3 on MuJoCo. Importing it registers the 24 `Panda…-v3` ids with `make()` and
 * loads the physics (about 0.2 s and 55 MB once per process), which is why it is a subpath of its own rather
 * than part of `vlmcar/env`. The scripted experts are `PandaExpert`.
 *
 *   import "vlmcar/panda";
 *   const env = make("PandaPickAndPlace-v3");
 */
export * from "../env/panda/index.ts";
export { PandaExpert } from "../policies/panda/index.ts";
