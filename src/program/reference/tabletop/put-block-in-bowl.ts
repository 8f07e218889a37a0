/**
 * Hand-written reward program for CLIPort's put-block-in-bowl (any colour split), reading the front camera.
 *
 * A program sees frames only, not the episode's language goal, and the task draws the pick and place colours
 * anew every episode; with one goal block and one goal bowl the first frame cannot tell them from the
 * distractors. So the program takes the pick colour from what happens: the colour of the first block that
 * lands in a bowl of another colour is the one to put away, and the goal is every visible block of that colour
 * sitting in a bowl. Blocks and bowls are told apart by their image area, corrected for distance to the camera
 * (a 4 cm block covers 430-630 pixels at the far edge's scale, an empty bowl 1,500-2,200); bowls are found in
 * the first frame, since a block inside one hides up to half of it.
 *   1. block_in_bowl:       more blocks of some colour sit in bowls than at the start;
 *   2. all_blocks_in_bowls: no block of that colour is left outside a bowl (progress: the fraction in bowls);
 *   goal:                   the same as 2.
 */
import { parseRewardProgram, type RewardProgram } from "../../program.ts";
import { TABLETOP_VISION } from "./vision.ts";

const helpers = `${TABLETOP_VISION}
// Areas at the far edge's scale (pixels): one block 430-600 (two touching blocks of one colour merge into one
// region of up to ~1,200), a bowl 1,500-2,200 (less where a block inside it hides part of it).
const BLOCK_MIN = 200;
const BLOCK_MAX = 1250;
const BOWL_MIN = 1300;

function scaledArea(r) {
  const n = nearness(r.y1);
  return r.area / (n * n);
}

function bowlsIn(frame) {
  return analyse(frame).regions.filter((r) => scaledArea(r) >= BOWL_MIN);
}

function blocksIn(frame) {
  return analyse(frame).regions.filter((r) => {
    const a = scaledArea(r);
    return a >= BLOCK_MIN && a <= BLOCK_MAX;
  });
}

// A block is in a bowl of another colour when its centre is within the bowl's middle columns and its bottom
// in the bowl's lower half (a block behind a bowl shows above it, one in front below it).
function inBowl(block, bowl) {
  if (block.color === bowl.color) return false;
  const margin = 0.1 * (bowl.x1 - bowl.x0);
  return (
    block.cx >= bowl.x0 + margin &&
    block.cx <= bowl.x1 - margin &&
    block.y1 >= (bowl.y0 + bowl.y1) / 2 &&
    block.y1 <= bowl.y1 + 2
  );
}

// Per block colour: blocks in a bowl and blocks outside. The bowls are found in the first frame: a block in a
// bowl hides up to half of it, and the goal bowls are fixed to the table.
function blockCounts(frame, first) {
  const bowls = bowlsIn(first);
  const inside = new Array(COLORS.length).fill(0);
  const outside = new Array(COLORS.length).fill(0);
  for (const block of blocksIn(frame)) {
    if (bowls.some((bowl) => inBowl(block, bowl))) inside[block.color]++;
    else outside[block.color]++;
  }
  return { inside, outside };
}

// The colour whose blocks in bowls grew most since the first frame, or -1.
function pickColor(frame, first) {
  const now = blockCounts(frame, first).inside;
  const before = blockCounts(first, first).inside;
  let best = -1;
  let gain = 0;
  for (let k = 0; k < COLORS.length; k++) {
    if (now[k] - before[k] > gain) {
      best = k;
      gain = now[k] - before[k];
    }
  }
  return best;
}

function fractionInBowls(frame, first) {
  const k = pickColor(frame, first);
  if (k < 0) return 0;
  const { inside, outside } = blockCounts(frame, first);
  return inside[k] / (inside[k] + outside[k]);
}
`;

export const PUT_BLOCK_IN_BOWL_PROGRAM: RewardProgram = parseRewardProgram({
  format: "vlmcar.program/1",
  task: {
    envId: "Tabletop-put-block-in-bowl-seen-colors-v0",
    description: "put the blocks of one colour in the bowls of another colour",
  },
  helpers,
  subtasks: [
    {
      name: "block_in_bowl",
      description: "A block sits in a bowl of another colour that it was not in at the start.",
      code: "(frame, first) => pickColor(frame, first) >= 0",
    },
    {
      name: "all_blocks_in_bowls",
      description: "Every block of the colour put away first sits in a bowl.",
      code: "(frame, first) => fractionInBowls(frame, first) === 1",
      progress: "(frame, first) => fractionInBowls(frame, first)",
    },
  ],
  goal: {
    description: "Every block of the colour being put away sits in a bowl.",
    code: "(frame, first) => fractionInBowls(frame, first) === 1",
  },
  provenance: {
    source: "hand-written",
    notes:
      "reference program for CLIPort put-block-in-bowl (front camera, 640x480); infers the pick colour from the first block put in a bowl",
  },
});
