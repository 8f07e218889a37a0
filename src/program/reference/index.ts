/**
 * The hand-written reference programs, by family: the oracle baseline for generated programs and fixtures for
 * tests. The MiniGrid ones read only pixels of the full render at 32 pixels per cell (highlighted or not); the
 * panda-gym ones (Push, Slide) carry their own render spec (panda.ts); the tabletop ones (tabletop/) read the
 * front camera's 640x480 frame.
 *
 *   referenceFor("MiniGrid-KeyCorridorS4R3-v0")  // the KeyCorridor program
 */
import type { RewardProgram } from "../program.ts";
import { BLOCKED_UNLOCK_PICKUP_PROGRAM } from "./blocked-unlock-pickup.ts";
import { DOORKEY_REFERENCE } from "./doorkey.ts";
import { KEY_CORRIDOR_PROGRAM } from "./key-corridor.ts";
import { PUSH_PROGRAM, SLIDE_PROGRAM } from "./panda.ts";
import { PACKING_BOXES_PAIRS_PROGRAM } from "./tabletop/packing-boxes-pairs.ts";
import { PACKING_SHAPES_PROGRAM } from "./tabletop/packing-shapes.ts";
import { PUT_BLOCK_IN_BOWL_PROGRAM } from "./tabletop/put-block-in-bowl.ts";
import { SEPARATING_PILES_PROGRAM } from "./tabletop/separating-piles.ts";
import { UNLOCK_PROGRAM } from "./unlock.ts";
import { UNLOCK_PICKUP_PROGRAM } from "./unlock-pickup.ts";

export {
  BLOCKED_UNLOCK_PICKUP_PROGRAM,
  DOORKEY_REFERENCE,
  KEY_CORRIDOR_PROGRAM,
  PACKING_BOXES_PAIRS_PROGRAM,
  PACKING_SHAPES_PROGRAM,
  PUSH_PROGRAM,
  PUT_BLOCK_IN_BOWL_PROGRAM,
  SEPARATING_PILES_PROGRAM,
  SLIDE_PROGRAM,
  UNLOCK_PICKUP_PROGRAM,
  UNLOCK_PROGRAM,
};

export interface ReferenceEntry {
  /** Farama's or panda-gym's family name. */
  readonly family: string;
  /** The registry ids the program is written for. */
  readonly ids: RegExp;
  /** An id to verify it on. */
  readonly exampleId: string;
  readonly program: RewardProgram;
}

export const REFERENCE_PROGRAMS: readonly ReferenceEntry[] = [
  {
    family: "DoorKey",
    ids: /^MiniGrid-DoorKey-/,
    exampleId: "MiniGrid-DoorKey-8x8-v0",
    program: DOORKEY_REFERENCE,
  },
  { family: "Unlock", ids: /^MiniGrid-Unlock-v/, exampleId: "MiniGrid-Unlock-v0", program: UNLOCK_PROGRAM },
  {
    family: "UnlockPickup",
    ids: /^MiniGrid-UnlockPickup-/,
    exampleId: "MiniGrid-UnlockPickup-v0",
    program: UNLOCK_PICKUP_PROGRAM,
  },
  {
    family: "BlockedUnlockPickup",
    ids: /^MiniGrid-BlockedUnlockPickup-/,
    exampleId: "MiniGrid-BlockedUnlockPickup-v0",
    program: BLOCKED_UNLOCK_PICKUP_PROGRAM,
  },
  {
    family: "KeyCorridor",
    ids: /^MiniGrid-KeyCorridorS\d+R\d+-/,
    exampleId: "MiniGrid-KeyCorridorS3R3-v0",
    program: KEY_CORRIDOR_PROGRAM,
  },
  // The scene, not the control: the same frames for ee and joint control, sparse and dense rewards.
  {
    family: "PandaPush",
    ids: /^PandaPush(Joints)?(Dense)?-v3$/,
    exampleId: "PandaPushJoints-v3",
    program: PUSH_PROGRAM,
  },
  {
    family: "PandaSlide",
    ids: /^PandaSlide(Joints)?(Dense)?-v3$/,
    exampleId: "PandaSlideJoints-v3",
    program: SLIDE_PROGRAM,
  },
  // CLIPort tabletop tasks: the front camera's 640x480 frame (the env's render()), any colour split.
  {
    family: "put-block-in-bowl",
    ids: /^Tabletop-put-block-in-bowl-/,
    exampleId: "Tabletop-put-block-in-bowl-seen-colors-v0",
    program: PUT_BLOCK_IN_BOWL_PROGRAM,
  },
  {
    family: "separating-piles",
    ids: /^Tabletop-separating-piles-/,
    exampleId: "Tabletop-separating-piles-seen-colors-v0",
    program: SEPARATING_PILES_PROGRAM,
  },
  {
    family: "packing-shapes",
    ids: /^Tabletop-packing-shapes-/,
    exampleId: "Tabletop-packing-shapes-v0",
    program: PACKING_SHAPES_PROGRAM,
  },
  {
    family: "packing-boxes-pairs",
    ids: /^Tabletop-packing-boxes-pairs-/,
    exampleId: "Tabletop-packing-boxes-pairs-seen-colors-v0",
    program: PACKING_BOXES_PAIRS_PROGRAM,
  },
];

/** The reference program for an env id, or null when no family matches. */
export function referenceFor(envId: string): RewardProgram | null {
  return REFERENCE_PROGRAMS.find((r) => r.ids.test(envId))?.program ?? null;
}
