import assert from "node:assert/strict";
import { test } from "node:test";
import { generationCost, perStepVlmEstimate } from "../../src/report/cost.ts";
import { curvesSvg, learningCurves, meanAndSe, rewardColor, seriesColors } from "../../src/report/curves.ts";
import { transcriptEntry } from "./transcript-entry.ts";

test("mean and standard error over seeds", () => {
  assert.deepEqual(meanAndSe([1]), { mean: 1, se: 0, std: 0 });
  const { mean, se } = meanAndSe([0, 1, 2]);
  assert.equal(mean, 1);
  assert.ok(Math.abs(se - 1 / Math.sqrt(3)) < 1e-12); // sample std 1, n 3
});

test("curves aggregate seeds frame by frame, one per reward, per env", () => {
  const curves = learningCurves([
    {
      envId: "A",
      reward: "sparse",
      seed: 0,
      evals: [
        { frames: 100, returnMean: 0 },
        { frames: 200, returnMean: 0.5 },
      ],
    },
    {
      envId: "A",
      reward: "sparse",
      seed: 1,
      evals: [
        { frames: 100, returnMean: 1 },
        { frames: 200, returnMean: 0.5 },
      ],
    },
    { envId: "A", reward: "vlmcar", seed: 0, evals: [{ frames: 100, returnMean: 0.9 }] },
    { envId: "A", reward: "reference", seed: 0, evals: [] },
    { envId: "B", reward: "sparse", seed: 0, evals: [{ frames: 100, returnMean: 0.2 }] },
  ]);
  assert.deepEqual([...curves.keys()], ["A", "B"]);
  const a = curves.get("A") ?? [];
  assert.deepEqual(
    a.map((c) => c.reward),
    ["sparse", "vlmcar"],
    "a run without evaluations has no curve",
  );
  assert.deepEqual(a[0].points, [
    { frames: 100, mean: 0.5, se: 0.5, std: Math.SQRT1_2, n: 2 },
    { frames: 200, mean: 0.5, se: 0, std: 0, n: 2 },
  ]);
  assert.equal(a[0].metric, "return");
  const svg = curvesSvg("A", a);
  assert.match(svg, /data-series="sparse"/);
  assert.match(svg, /data-series="vlmcar"/);
  assert.match(svg, /sparse \(2 seeds\)/);
});

test("envs that report success are plotted as the success rate, mean ± standard deviation over seeds", () => {
  const run = (seed: number, rates: number[]) => ({
    envId: "PandaPushJoints-v3",
    reward: "sparse",
    seed,
    evals: rates.map((successRate, i) => ({ frames: 100 * (i + 1), returnMean: -50, successRate })),
  });
  const curves = learningCurves([run(0, [0, 0.2]), run(1, [0, 0.6])]).get("PandaPushJoints-v3") ?? [];
  assert.equal(curves[0].metric, "success");
  assert.deepEqual(
    curves[0].points.map((p) => [p.frames, p.mean, +p.std.toFixed(6)]),
    [
      [100, 0, 0],
      [200, 0.4, +Math.sqrt(0.08).toFixed(6)],
    ],
  );
  const svg = curvesSvg("PandaPushJoints-v3", curves);
  assert.match(svg, /success rate \(evaluation, mean ± std\)/);
  // The returns (all −50) are not what is drawn: a MiniGrid env keeps its return axis.
  const grid = learningCurves([
    { envId: "G", reward: "sparse", seed: 0, evals: [{ frames: 1, returnMean: 0.5 }] },
  ]);
  assert.match(curvesSvg("G", grid.get("G") ?? []), /env return \(evaluation\)/);
});

test("each curve of a figure gets its own colour; the first of each reward kind keeps the kind's colour", () => {
  const rewards = ["reference", "reference-bonus0.1", "sparse", "vlmcar", "vlmcar-bonus0.1"];
  const colors = seriesColors(rewards);
  assert.equal(new Set(colors).size, rewards.length);
  assert.equal(colors[0], rewardColor("reference"));
  assert.equal(colors[2], rewardColor("sparse"));
  assert.equal(colors[3], rewardColor("vlmcar"));
  assert.deepEqual(seriesColors(["sparse", "vlmcar"]), [rewardColor("sparse"), rewardColor("vlmcar")]);
});

test("generation cost sums answered calls; cache hits count as calls but cost nothing", () => {
  const g = generationCost([
    transcriptEntry({}),
    transcriptEntry({
      id: "call-000002",
      latencyMs: 4000,
      usage: { inputTokens: 3000, outputTokens: 600 },
      costUsd: 0.0135,
    }),
    transcriptEntry({ id: "call-000003", source: "cache", costUsd: 0, latencyMs: 0 }),
  ]);
  assert.equal(g.calls, 3);
  assert.equal(g.paidCalls, 2);
  assert.equal(g.inputTokens, 4000);
  assert.equal(g.outputTokens, 800);
  assert.ok(Math.abs((g.dollars ?? 0) - 0.018) < 1e-12);
  assert.equal(g.meanLatencyMs, 3000);
  assert.deepEqual(g.providers, ["openai:gpt-4o"]);

  const estimate = perStepVlmEstimate(1_000_000, g, { width: 256, height: 256 });
  // mean call: 2000 input + 400 output tokens at $2.5 / $10 per 1M = $0.009; a million of them.
  assert.ok(Math.abs((estimate.dollarsLikeGeneration.value ?? 0) - 9000) < 1e-6);
  assert.match(estimate.dollarsLikeGeneration.basis, /^estimate: 1,000,000 steps/);
  assert.ok(Math.abs((estimate.hoursSequential.value ?? 0) - (3000 * 1e6) / 3.6e6) < 1e-6);
  assert.ok((estimate.dollarsFrameOnly.value ?? 0) > 0);
  assert.match(estimate.dollarsFrameOnly.basis, /lower-bound estimate/);
});

test("a transcript answered by a person has no latency estimate and a labelled stand-in price", () => {
  const g = generationCost([
    transcriptEntry({
      source: "manual",
      provider: "manual",
      model: "gpt-4o-via-chat",
      reply: { text: "x", provider: "manual", model: "gpt-4o-via-chat", finishReason: "stop" },
      usage: { inputTokens: 900, outputTokens: 100, estimated: true },
      costUsd: null,
      latencyMs: 600_000,
    }),
  ]);
  assert.equal(g.dollars, null);
  assert.equal(g.meanLatencyMs, null);
  assert.equal(g.tokensEstimated, true);
  const estimate = perStepVlmEstimate(1000, g, { width: 160, height: 160 });
  assert.equal(estimate.hoursSequential.value, null);
  assert.match(estimate.dollarsLikeGeneration.basis, /stand-in: no price known for manual:gpt-4o-via-chat/);
});

test("a replayed generation shows the recorded tokens, once per recorded call, and charges nothing", () => {
  const replay = (id: string, callId: string) =>
    transcriptEntry({
      id,
      source: "replay",
      provider: "replay",
      model: "zoo/x/transcript.jsonl",
      usage: { inputTokens: 3000, outputTokens: 100, estimated: true },
      costUsd: 0,
      latencyMs: 0,
      origin: { callId },
    });
  // call-000003 replays call-000001 again, as a resumed replay does.
  const g = generationCost([
    replay("call-000001", "call-000001"),
    replay("call-000002", "call-000002"),
    replay("call-000003", "call-000001"),
  ]);
  assert.equal(g.calls, 3);
  assert.equal(g.paidCalls, 0);
  assert.equal(g.replayedCalls, 2);
  assert.equal(g.inputTokens, 6000);
  assert.equal(g.outputTokens, 200);
  assert.equal(g.dollars, 0);
  assert.equal(g.meanInputTokens, 3000);
});
