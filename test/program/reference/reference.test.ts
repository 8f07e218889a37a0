/**
 * The hand-written reference programs pass verification (on small samples here; docs/VERIFY numbers come from
 * the default 20 experts and 100 random trajectories), also without the view highlight.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import "../../../src/env/minigrid/index.ts";
import { PROGRAM_FORMAT } from "../../../src/program/program.ts";
import { REFERENCE_PROGRAMS, referenceFor } from "../../../src/program/reference/index.ts";
import { formatSummary, verifyProgram } from "../../../src/verify/index.ts";

const CASES: [string, { highlight?: boolean; seed?: number }][] = [
  ["MiniGrid-Unlock-v0", { seed: 100 }],
  ["MiniGrid-UnlockPickup-v0", { seed: 200, highlight: false }],
  ["MiniGrid-BlockedUnlockPickup-v0", { seed: 300 }],
  ["MiniGrid-KeyCorridorS3R1-v0", { seed: 400 }],
  ["MiniGrid-KeyCorridorS4R3-v0", { seed: 500, highlight: false }],
];

describe("reference programs", () => {
  it("are listed by family, hand-written, and found by env id", () => {
    assert.deepEqual(
      REFERENCE_PROGRAMS.map((r) => r.family),
      [
        "DoorKey",
        "Unlock",
        "UnlockPickup",
        "BlockedUnlockPickup",
        "KeyCorridor",
        "PandaPush",
        "PandaSlide",
        "put-block-in-bowl",
        "separating-piles",
        "packing-shapes",
        "packing-boxes-pairs",
      ],
    );
    for (const r of REFERENCE_PROGRAMS) {
      assert.equal(r.program.format, PROGRAM_FORMAT);
      assert.equal(r.program.provenance.source, "hand-written");
      assert.ok(r.ids.test(r.exampleId));
      assert.equal(referenceFor(r.exampleId), r.program);
    }
    assert.equal(referenceFor("MiniGrid-KeyCorridorS6R3-v0"), referenceFor("MiniGrid-KeyCorridorS3R1-v0"));
    assert.equal(referenceFor("MiniGrid-Empty-5x5-v0"), null);
  });

  for (const [envId, { highlight, seed }] of CASES) {
    it(`pass verification on ${envId}${highlight === false ? " without highlight" : ""}`, () => {
      const program = referenceFor(envId);
      assert.ok(program);
      const { report } = verifyProgram(program, {
        envId,
        render: { mode: "full", tileSize: 32, highlight: highlight ?? true },
        experts: 5,
        random: 3,
        seed,
        progress: false,
      });
      assert.equal(report.verdict.accepted, true, formatSummary(report));
      for (const check of report.checks) {
        assert.equal(check.expert.latchRate, 1, check.name);
        // On demonstrations each check switches on exactly when its event happens, and stays on.
        assert.equal(check.expertGroundTruth?.precision, 1, `${check.name}: precision on experts`);
        assert.equal(check.expertGroundTruth?.recall, 1, `${check.name}: recall on experts`);
      }
    });
  }
});
