/**
 * Turns env observations into the float32 image batch the network reads.
 *
 * Two observation forms are understood, found from the env's observation space:
 *  - a dict with an `image` Box [H, W, C] (MiniGrid's `{ image, direction, mission }`, or a wrapper that swaps
 *    the image for an RGB render, as Farama's RGBImgPartialObsWrapper does);
 *  - a Box [H, W, C] itself, or an RGB `Frame`.
 * Like rl-starter-files' ACModel, only the image is used (no direction, no mission).
 */

import { type Box, isBox, isDictSpace, type Space } from "../env/spaces.ts";
import { isFrame } from "../image/frame.ts";
import type { ImageShape } from "./nets.ts";

export interface ObservationEncoder {
  readonly shape: ImageShape;
  /** Floats per observation (H·W·C). */
  readonly size: number;
  /**
   * "symbolic" for small grids of object codes (MiniGrid's 7×7×3 view), "pixels" for RGB images; it picks
   * the default network. The rule: an image with both sides ≤ 16 is symbolic.
   */
  readonly kind: "symbolic" | "pixels";
  /** Writes one observation's image as floats into `out` starting at `offset`. */
  encode(obs: unknown, out: Float32Array, offset: number): void;
}

export function observationEncoder(space: Space<unknown>): ObservationEncoder {
  let box: Box | undefined;
  let fromDict = false;
  if (isBox(space)) box = space;
  else if (isDictSpace(space) && isBox(space.spaces.image)) {
    box = space.spaces.image;
    fromDict = true;
  }
  if (box === undefined || box.shape.length !== 3) {
    throw new TypeError(
      `PPO needs an image observation: a Box [H, W, C] or a dict with an "image" Box [H, W, C]; got ${space.describe()}. ` +
        "Wrap the env with an observation wrapper that produces one.",
    );
  }
  const shape = [box.shape[0], box.shape[1], box.shape[2]] as const;
  const size = box.size;
  const kind = shape[0] <= 16 && shape[1] <= 16 ? "symbolic" : "pixels";
  const imageOf = (obs: unknown): ArrayLike<number> => {
    const image = fromDict ? (obs as { image?: unknown }).image : isFrame(obs) ? obs.data : obs;
    if (!ArrayBuffer.isView(image) || (image as unknown as ArrayLike<number>).length !== size) {
      throw new TypeError(`observation image must be a typed array of ${size} values (${shape.join("×")})`);
    }
    return image as unknown as ArrayLike<number>;
  };
  return {
    shape,
    size,
    kind,
    encode(obs, out, offset) {
      const image = imageOf(obs);
      for (let i = 0; i < size; i++) out[offset + i] = image[i];
    },
  };
}
