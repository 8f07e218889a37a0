/**
 * An experiment spec: env ids × reward settings × seeds, one frame budget, PPO overrides and evaluation
 * settings. Written as a JSON file (`vlmcar experiment --spec FILE`) or built from flags. Example:
 *
 * ```json
 * {
 *   "name": "doorkey",
 *   "envs": ["MiniGrid-DoorKey-6x6-v0", "MiniGrid-DoorKey-8x8-v0"],
 *   "rewards": ["sparse", "reference",
 *               { "kind": "vlmcar", "programs": { "MiniGrid-DoorKey-6x6-v0": "zoo/doorkey-6x6/program.json" } }],
 *   "seeds": 3,
 *   "frames": 1000000,
 *   "evaluation": { "every": 10240, "episodes": 5 }
 * }
 * ```
 *
 * `seeds` is a count (seeds 0…n-1) or a list. Program paths are relative to the spec file's folder.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { BONUS_FORMS } from "../program/reward-wrapper.ts";
import {
  REWARD_KINDS,
  type RewardKind,
  type RewardSetting,
  rewardLabel,
  unknownRewardMessage,
} from "./reward-modes.ts";
import { DEFAULT_CHECKPOINT_EVERY, EVAL_DEFAULTS, type PpoOverrides, type RunConfig } from "./run.ts";

const shapingSchema = z.enum(["code+env", "code"]);

const kindSchema = z.enum(REWARD_KINDS, { error: (issue) => unknownRewardMessage(String(issue.input)) });

const rewardObjectSchema = z.strictObject({
  kind: kindSchema,
  /** One program for every env. */
  program: z.string().optional(),
  /** A program per env id (wins over `program`). */
  programs: z.record(z.string(), z.string()).optional(),
  shaping: shapingSchema.optional(),
  subtaskBonus: z.number().positive().optional(),
  /** "one-time" (default) or "potential" (potential-based shaping with PPO's γ). */
  bonusForm: z.enum(BONUS_FORMS).optional(),
  /** The name in run ids, tables and curves (default from kind, shaping and bonus). */
  label: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "use letters, digits, '.', '_', '+' or '-'")
    .optional(),
});

/**
 * A reward kind's name, or an object. Dispatched on the value's type rather than with z.union, whose error for
 * a typo is only "Invalid input"; this way the message names the valid rewards and the closest one.
 */
const rewardSchema = z.unknown().transform((value, ctx) => {
  const result =
    typeof value === "string" ? kindSchema.safeParse(value) : rewardObjectSchema.safeParse(value);
  if (result.success) return result.data as RewardKind | z.output<typeof rewardObjectSchema>;
  for (const issue of result.error.issues)
    ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  return z.NEVER;
});

/**
 * PPO settings a spec (or `--set ppo.KEY=VALUE`) may override: those of both PPOs. `batchSize` and `model` belong
 * to the discrete PPO, `numMinibatches` to `initLogStd` to the continuous one; a run refuses the other's.
 */
export const ppoSchema = z
  .strictObject({
    numEnvs: z.int().positive(),
    numSteps: z.int().positive(),
    epochs: z.int().positive(),
    batchSize: z.int().positive(),
    lr: z.number().positive(),
    adamEps: z.number().positive(),
    gamma: z.number().min(0).max(1),
    gaeLambda: z.number().min(0).max(1),
    clipEps: z.number().positive(),
    clipValueLoss: z.boolean(),
    entropyCoef: z.number().min(0),
    valueCoef: z.number().min(0),
    maxGradNorm: z.number().positive(),
    normalizeAdvantages: z.boolean(),
    /** Discrete PPO only (Discrete actions: MiniGrid). */
    model: z.enum(["auto", "minigrid", "pixels"]),
    // Continuous PPO only (Box actions: panda-gym); src/experiments/algorithm.ts refuses them on the other.
    numMinibatches: z.int().positive(),
    annealLr: z.boolean(),
    normalizeObservations: z.boolean(),
    clipObservations: z.number().positive(),
    normalizeReturns: z.boolean(),
    clipRewards: z.number().positive(),
    hidden: z.array(z.int().positive()).min(1),
    initLogStd: z.number(),
  })
  .partial();

export const experimentSpecSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' or '-'")
    .default("experiment"),
  envs: z.array(z.string().min(1)).min(1, "list at least one env id"),
  rewards: z.array(rewardSchema).min(1, "list at least one reward (sparse, vlmcar, reference, dense-env)"),
  seeds: z.union([z.int().positive(), z.array(z.int().min(0)).min(1)]),
  frames: z.int().positive(),
  ppo: ppoSchema.default({}),
  evaluation: z
    .strictObject({
      every: z.int().min(0),
      episodes: z.int().positive(),
      finalEpisodes: z.int().positive(),
      greedy: z.boolean(),
    })
    .partial()
    .default({}),
  checkpointEvery: z.int().positive().default(DEFAULT_CHECKPOINT_EVERY),
});

export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>;
export type ExperimentSpec = z.output<typeof experimentSpecSchema>;

/** Raised for a spec that does not validate; `problems` has one line per problem. */
export class SpecError extends Error {
  override name = "SpecError";
  constructor(
    readonly problems: readonly string[],
    source = "experiment spec",
  ) {
    super(`invalid ${source}:\n${problems.map((p) => `- ${p}`).join("\n")}`);
  }
}

export function parseExperimentSpec(value: unknown, source?: string): ExperimentSpec {
  // "$schema" names the file's JSON Schema (docs/schemas/) for editors; it is not a setting.
  if (value && typeof value === "object" && !Array.isArray(value) && "$schema" in value) {
    const { $schema: _schema, ...rest } = value as Record<string, unknown>;
    value = rest;
  }
  const result = experimentSpecSchema.safeParse(value);
  if (!result.success) {
    throw new SpecError(
      result.error.issues.map((i) => `${i.path.join(".") || "spec"}: ${i.message}`),
      source,
    );
  }
  return result.data;
}

/** Reads a spec file; program paths inside it are made absolute against the file's folder. */
export function loadExperimentSpec(path: string): ExperimentSpec {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new SpecError([`cannot read it as JSON (${(error as Error).message})`], path);
  }
  const spec = parseExperimentSpec(json, path);
  return { ...spec, rewards: spec.rewards.map((r) => absolutePrograms(r, dirname(resolve(path)))) };
}

function absolutePrograms(reward: ExperimentSpec["rewards"][number], base: string) {
  if (typeof reward === "string") return reward;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ...reward,
    program: reward.program && abs(reward.program),
    programs:
      reward.programs && Object.fromEntries(Object.entries(reward.programs).map(([k, v]) => [k, abs(v)])),
  };
}

export function seedList(spec: ExperimentSpec): number[] {
  return typeof spec.seeds === "number" ? Array.from({ length: spec.seeds }, (_, i) => i) : spec.seeds;
}

/**
 * The order runs are trained in: seed-major (all of seed 0's envs and rewards, then seed 1's, ...), each seed's
 * runs in `expandSpec`'s order. A grid that stops part-way (a session's end, a budget) then holds every setting
 * at its first seeds, which can be compared, rather than all seeds of the first setting and nothing of the rest.
 */
export function trainingOrder(runs: readonly RunConfig[]): RunConfig[] {
  // Array.prototype.sort is stable, so each seed keeps expandSpec's env and reward order.
  return [...runs].sort((a, b) => a.seed - b.seed);
}

/**
 * Every run of the spec, env-major, then reward, then seed. A vlmcar reward without a program for some env
 * is an error naming the env (rather than a run that fails later).
 */
export function expandSpec(spec: ExperimentSpec): RunConfig[] {
  const runs: RunConfig[] = [];
  const evaluation = { ...EVAL_DEFAULTS, ...spec.evaluation };
  for (const envId of spec.envs) {
    const labels = new Map<string, number>();
    for (const [index, entry] of spec.rewards.entries()) {
      const reward = rewardFor(entry, envId);
      // Runs are grouped by label in the store and the report: two settings under one label would be
      // averaged into one curve.
      const label = rewardLabel(reward);
      const earlier = labels.get(label);
      if (earlier !== undefined) {
        throw new SpecError([
          `rewards: entries ${earlier + 1} and ${index + 1} would both be labelled "${label}" for ${envId}; ` +
            `give one of them a "label" of its own`,
        ]);
      }
      labels.set(label, index);
      for (const seed of seedList(spec)) {
        runs.push({
          envId,
          reward,
          seed,
          frames: spec.frames,
          ppo: spec.ppo as PpoOverrides,
          evaluation,
          checkpointEvery: spec.checkpointEvery,
        });
      }
    }
  }
  return runs;
}

function rewardFor(entry: ExperimentSpec["rewards"][number], envId: string): RewardSetting {
  if (typeof entry === "string") {
    if (entry === "vlmcar") {
      throw new SpecError([
        `rewards: "vlmcar" needs a program; write { "kind": "vlmcar", "programs": { "${envId}": "path/to/program.json" } }`,
      ]);
    }
    return { kind: entry };
  }
  const setting: RewardSetting = { kind: entry.kind };
  const program = entry.programs?.[envId] ?? entry.program;
  if (program) {
    if (!existsSync(program))
      throw new SpecError([`rewards: program file ${program} (for ${envId}) does not exist`]);
    setting.program = program;
  } else if (entry.kind === "vlmcar") {
    throw new SpecError([`rewards: the vlmcar entry has no program for ${envId}; add it under "programs"`]);
  }
  if (entry.shaping && entry.shaping !== "code+env") setting.shaping = entry.shaping;
  if (entry.subtaskBonus !== undefined) setting.subtaskBonus = entry.subtaskBonus;
  if (entry.bonusForm === "potential") setting.bonusForm = "potential";
  if (entry.label !== undefined) setting.label = entry.label;
  return setting;
}
