/**
 * CLIPort's colour palette ("Tableau", cliport/utils/utils.py) and its seen / unseen splits (ROBOTICS.md B.4).
 * Reward programs threshold on these colours, so the values are CLIPort's exactly (0-255 integers / 255).
 * The order is CLIPort's dict order: distractor colours cycle through it.
 */

export const COLOR_NAMES = [
  "blue",
  "red",
  "green",
  "orange",
  "yellow",
  "purple",
  "pink",
  "cyan",
  "brown",
  "white",
  "gray",
] as const;

export type ColorName = (typeof COLOR_NAMES)[number];

/** RGB 0-255, as CLIPort writes them (its 0-1 values are these divided by 255). */
export const COLORS_255: Readonly<Record<ColorName, readonly [number, number, number]>> = {
  blue: [78, 121, 167],
  red: [255, 87, 89],
  green: [89, 169, 79],
  orange: [242, 142, 43],
  yellow: [237, 201, 72],
  purple: [176, 122, 161],
  pink: [255, 157, 167],
  cyan: [118, 183, 178],
  brown: [156, 117, 95],
  white: [255, 255, 255],
  gray: [186, 176, 172],
};

/** RGBA 0-1 for MJCF and the renderer. */
export function rgba(name: ColorName, alpha = 1): [number, number, number, number] {
  const c = COLORS_255[name];
  return [c[0] / 255, c[1] / 255, c[2] / 255, alpha];
}

/** CLIPort's TRAIN_COLORS: the "seen" colours. */
export const TRAIN_COLORS: readonly ColorName[] = ["blue", "red", "green", "yellow", "brown", "gray", "cyan"];
/** CLIPort's EVAL_COLORS: the "unseen" colours used in val/test mode. */
export const EVAL_COLORS: readonly ColorName[] = [
  "blue",
  "red",
  "green",
  "orange",
  "purple",
  "pink",
  "white",
];

export type ColorSplit = "seen" | "unseen" | "full";
export type TaskMode = "train" | "val" | "test";

/** The colours a task variant draws from: seen → TRAIN; unseen → TRAIN in train mode, EVAL otherwise; full → all. */
export function colorsFor(split: ColorSplit, mode: TaskMode): readonly ColorName[] {
  if (split === "seen") return TRAIN_COLORS;
  if (split === "full") return [...new Set([...TRAIN_COLORS, ...EVAL_COLORS])];
  return mode === "train" ? TRAIN_COLORS : EVAL_COLORS;
}

/** Fixed asset colours (ROBOTICS.md B.4). */
export const WORKSPACE_RGBA: readonly number[] = [0.2, 0.2, 0.2, 1];
