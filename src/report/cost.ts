/**
 * The cost section's figures: what generating a program cost (from its VLM transcript), what the program
 * costs per reward call (measured here), and what querying a VLM at every training step would have cost
 * instead (an estimate, labelled as one, with what it rests on).
 */
import type { Env } from "../env/core.ts";
import { make } from "../env/registry.ts";
import { programRender } from "../experiments/reward-modes.ts";
import { cloneFrame, type Frame } from "../image/frame.ts";
import { expertFor } from "../policies/index.ts";
import { ProgramSandbox, type RewardProgram } from "../program/index.ts";
import { renderOptions } from "../trajectories/render-spec.ts";
import { DEFAULT_PRICES, imageTokens, lookupPrice, type Price } from "../vlm/cost.ts";
import type { TranscriptEntry } from "../vlm/transcript.ts";

export interface GenerationCost {
  /** Every call in the transcript, cache hits and replays included. */
  calls: number;
  /** Calls answered by a provider (network or a person), i.e. not by the cache or a replay. */
  paidCalls: number;
  failedCalls: number;
  /** Calls answered from a recorded transcript (counted once per recorded call). */
  replayedCalls: number;
  /**
   * Tokens of the calls that produced the program: answered now, or answered when the replayed transcript was
   * recorded (a replay carries the recording's usage), so a replayed generation still shows what it took.
   */
  inputTokens: number;
  outputTokens: number;
  /** True when some token counts are estimates (the manual provider counts none). */
  tokensEstimated: boolean;
  /** Dollars charged, summed over calls with a known price; null when no call had one. */
  dollars: number | null;
  /** Calls a person answered through the manual provider (charged nothing; their latency is a person's). */
  manualCalls: number;
  /** Calls whose model has no known price (their cost is not in `dollars`). */
  unpricedCalls: number;
  /** Mean latency of the calls answered over the network, ms; null when none were. */
  meanLatencyMs: number | null;
  providers: string[];
  /** Mean input / output tokens per call that produced the program (answered or replayed). */
  meanInputTokens: number;
  meanOutputTokens: number;
}

/** Sums a transcript. Cache hits and replays cost nothing and took no time, so means use answered calls only. */
export function generationCost(entries: readonly TranscriptEntry[]): GenerationCost {
  const answered = entries.filter(
    (e) => e.reply !== null && (e.source === "network" || e.source === "manual"),
  );
  const network = answered.filter((e) => e.source === "network");
  const priced = entries.filter((e) => e.costUsd !== null);
  // A resumed replay replays the same recorded call again; count each recorded call once.
  const replayed = [
    ...new Map(
      entries
        .filter((e) => e.reply !== null && e.source === "replay")
        .map((e) => [e.origin?.callId ?? e.id, e] as const),
    ).values(),
  ];
  const producing = [...answered, ...replayed];
  const inputTokens = producing.reduce((a, e) => a + (e.usage?.inputTokens ?? 0), 0);
  const outputTokens = producing.reduce((a, e) => a + (e.usage?.outputTokens ?? 0), 0);
  return {
    calls: entries.length,
    paidCalls: answered.length,
    replayedCalls: replayed.length,
    failedCalls: entries.filter((e) => e.error !== null).length,
    inputTokens,
    outputTokens,
    tokensEstimated: producing.some((e) => e.usage?.estimated === true),
    dollars: priced.length ? priced.reduce((a, e) => a + (e.costUsd ?? 0), 0) : null,
    manualCalls: answered.filter((e) => e.source === "manual").length,
    unpricedCalls: answered.filter((e) => e.costUsd === null).length,
    meanLatencyMs: network.length ? network.reduce((a, e) => a + e.latencyMs, 0) / network.length : null,
    providers: [
      ...new Set(entries.map((e) => `${e.reply?.provider ?? e.provider}:${e.reply?.model ?? e.model}`)),
    ],
    meanInputTokens: producing.length ? inputTokens / producing.length : 0,
    meanOutputTokens: producing.length ? outputTokens / producing.length : 0,
  };
}

/** An estimate and the words that say what it rests on. */
export interface Estimate {
  value: number | null;
  basis: string;
}

export interface PerStepVlmEstimate {
  trainingSteps: number;
  /** Dollars if every step's frame were sent with a prompt like the generation calls. */
  dollarsLikeGeneration: Estimate;
  /** Dollars if every step sent only the frame (image tokens) and got a one-token answer: a lower bound. */
  dollarsFrameOnly: Estimate;
  /** Wall time if the calls were made one after another with the measured mean latency. */
  hoursSequential: Estimate;
}

/** The price to use: the transcript's model's, else a named stand-in (said so in the basis). */
function priceFor(providerModel: string | undefined): { price: Price; name: string; standIn: boolean } {
  if (providerModel) {
    const [provider, ...rest] = providerModel.split(":");
    const price = lookupPrice(DEFAULT_PRICES, provider, rest.join(":"));
    if (price) return { price, name: providerModel, standIn: false };
  }
  return { price: DEFAULT_PRICES["openai:gpt-4o"], name: "openai:gpt-4o", standIn: true };
}

/**
 * What querying a VLM at each of `trainingSteps` env steps would cost, from a generation transcript's
 * measured tokens, latency and the price table. Both dollar figures are estimates; their `basis` says how.
 */
export function perStepVlmEstimate(
  trainingSteps: number,
  generation: GenerationCost | null,
  frame: { width: number; height: number },
): PerStepVlmEstimate {
  const model = generation?.providers[0];
  const { price, name, standIn } = priceFor(model);
  const priceText = `${name} list price ($${price.input}/1M input, $${price.output}/1M output tokens${standIn ? `; stand-in: ${model ? `no price known for ${model}` : "no transcript"}` : ""})`;
  const steps = trainingSteps.toLocaleString("en-US");
  let likeGeneration: Estimate = {
    value: null,
    basis: "no generation transcript, so no measured tokens per call",
  };
  if (generation && generation.paidCalls + generation.replayedCalls > 0) {
    const perCall =
      (generation.meanInputTokens * price.input + generation.meanOutputTokens * price.output) / 1e6;
    likeGeneration = {
      value: perCall * trainingSteps,
      basis:
        `estimate: ${steps} steps × the mean generation call (${Math.round(generation.meanInputTokens)} input + ` +
        `${Math.round(generation.meanOutputTokens)} output tokens${generation.tokensEstimated ? ", token counts themselves estimated" : ""}) at ${priceText}`,
    };
  }
  const [provider, ...rest] = name.split(":");
  const frameTokens = imageTokens(provider, rest.join(":"), frame.width, frame.height);
  const frameOnly = ((frameTokens * price.input + price.output) / 1e6) * trainingSteps;
  const hours: Estimate =
    generation?.meanLatencyMs != null
      ? {
          value: (generation.meanLatencyMs * trainingSteps) / 3.6e6,
          basis: `estimate: ${steps} steps × ${Math.round(generation.meanLatencyMs)} ms, the mean latency of the transcript's network calls, one call at a time`,
        }
      : {
          value: null,
          basis: generation
            ? "the transcript has no network calls (answered through the manual provider, or from a cache), so no measured VLM latency"
            : "no generation transcript, so no measured latency",
        };
  return {
    trainingSteps,
    dollarsLikeGeneration: likeGeneration,
    dollarsFrameOnly: {
      value: frameOnly,
      basis: `lower-bound estimate: ${steps} steps × (one ${frame.width}×${frame.height} frame = ${frameTokens} input tokens by the vendor's image formula + 1 output token) at ${priceText}`,
    },
    hoursSequential: hours,
  };
}

export interface RewardCallTiming {
  /** Median microseconds per reward call: one frame per call, as the reward wrapper calls it in training. */
  microsPerCall: number;
  /** The same, for the env's step plus render (what producing the frame costs), for comparison. */
  microsPerEnvStep: number;
  calls: number;
  frame: { width: number; height: number };
}

/**
 * Measures a program's cost per reward call on frames of expert episodes of `envId` (at least 200 frames;
 * a "forward"-only episode where no expert exists): one frame per call, as the reward wrapper calls it,
 * every frame `repeats` times, median taken.
 */
export function measureRewardCall(envId: string, program: RewardProgram, repeats = 3): RewardCallTiming {
  // The frames training renders for this program (its render spec), at their cost.
  const env = make(envId, renderOptions(programRender(program, envId))) as Env<unknown, unknown>;
  const episodes: { first: Frame; frames: Frame[] }[] = [];
  const envTimes: number[] = [];
  let act: (o: unknown) => unknown = () => 2; // "forward", where no expert exists
  try {
    const expert = expertFor(env);
    act = (o) => expert.act(o, env);
    for (let seed = 0, total = 0; total < 200 && seed < 50; seed++) {
      let { obs } = env.reset({ seed });
      expert.reset(env, seed);
      const episode = { first: cloneFrame(env.render()), frames: [] as Frame[] };
      for (let t = 0; t < 1000; t++) {
        const t0 = performance.now();
        const step = env.step(act(obs));
        const frame = env.render();
        envTimes.push(performance.now() - t0);
        episode.frames.push(cloneFrame(frame));
        obs = step.obs;
        if (step.terminated || step.truncated) break;
      }
      episodes.push(episode);
      total += episode.frames.length;
    }
  } catch {
    // No expert: one episode of the fallback action.
  }
  if (episodes.length === 0) {
    let { obs } = env.reset({ seed: 0 });
    const episode = { first: cloneFrame(env.render()), frames: [] as Frame[] };
    for (let t = 0; t < 200; t++) {
      const t0 = performance.now();
      const step = env.step(act(obs));
      episode.frames.push(cloneFrame(env.render()));
      envTimes.push(performance.now() - t0);
      obs = step.obs;
      if (step.terminated || step.truncated) break;
    }
    episodes.push(episode);
  }
  env.close();
  const sandbox = new ProgramSandbox(program);
  const times: number[] = [];
  try {
    sandbox.evaluate([episodes[0].frames[0]], episodes[0].first); // compile and warm up
    for (let k = 0; k < repeats; k++) {
      for (const { first, frames } of episodes) {
        for (const frame of frames) {
          const t0 = performance.now();
          sandbox.evaluate([frame], first);
          times.push(performance.now() - t0);
        }
      }
    }
  } finally {
    sandbox.dispose();
  }
  const first = episodes[0].first;
  return {
    microsPerCall: median(times) * 1000,
    microsPerEnvStep: median(envTimes) * 1000,
    calls: times.length,
    frame: { width: first.width, height: first.height },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : Number.NaN;
}
