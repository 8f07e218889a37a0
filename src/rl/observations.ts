/**
 * Turns env observations into the float32 image batch the network reads.
 *
 * Two observation forms are understood, found from the env's observation space:
 *  - a dict with an `image` Box [H, W, C] (MiniGrid's `{ image, direction, mission }`, or a wrapper that swaps
 *    the image for an RGB render, as Farama's RGBImgPartialObsWrapper does);
 *  - a Box [H, W, C] itself, or an RGB `Frame`.
 * Like rl-starter-files' ACModel, only the image is used (no direction, no mission).
 */

import { Box, DictSpace, type Space } from "../env/spaces.ts";
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
  if (space instanceof Box) box = space;
  else if (space instanceof DictSpace && (space.spaces as Record<string, unknown>).image instanceof Box) {
    box = (space.spaces as Record<string, Box>).image;
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

/** Turns an env's vector observation into the flat float32 vector an MLP policy reads. */
export interface VectorObservationEncoder {
  /** Floats per observation. */
  readonly size: number;
  /** What the vector is made of, e.g. "observation[6] + desired_goal[3]". */
  readonly layout: string;
  /** Writes one observation's vector into `out` starting at `offset`. */
  encode(obs: unknown, out: Float32Array, offset: number): void;
}

/**
 * For continuous control: a Box observation of any shape, flattened, or a goal-conditioned dict (Gymnasium
 * robotics, panda-gym: `{ observation, achieved_goal, desired_goal }`) read as `observation` followed by
 * `desired_goal`, as Stable-Baselines3's MultiInputPolicy sees them minus `achieved_goal` (already part of
 * panda-gym's `observation`).
 */
export function vectorObservationEncoder(space: Space<unknown>): VectorObservationEncoder {
  const parts: { key: string | null; size: number }[] = [];
  if (space instanceof Box) {
    parts.push({ key: null, size: space.size });
  } else if (space instanceof DictSpace) {
    const spaces = space.spaces as Record<string, unknown>;
    for (const key of ["observation", "desired_goal"]) {
      const sub = spaces[key];
      if (sub instanceof Box) parts.push({ key, size: sub.size });
    }
    if (!(spaces.observation instanceof Box)) parts.length = 0;
  }
  if (parts.length === 0) {
    throw new TypeError(
      `the continuous PPO needs a vector observation: a Box, or a dict with an "observation" Box (and ` +
        `optionally a "desired_goal" Box); got ${space.describe()}`,
    );
  }
  const size = parts.reduce((sum, p) => sum + p.size, 0);
  const layout = parts.map((p) => `${p.key ?? "obs"}[${p.size}]`).join(" + ");
  return {
    size,
    layout,
    encode(obs, out, offset) {
      let o = offset;
      for (const part of parts) {
        const value = part.key === null ? obs : (obs as Record<string, unknown> | null)?.[part.key];
        if (!ArrayBuffer.isView(value) || (value as unknown as ArrayLike<number>).length !== part.size) {
          throw new TypeError(
            `observation${part.key === null ? "" : `.${part.key}`} must be a typed array of ${part.size} numbers`,
          );
        }
        const v = value as unknown as ArrayLike<number>;
        for (let i = 0; i < part.size; i++) out[o + i] = v[i];
        o += part.size;
      }
    },
  };
}
