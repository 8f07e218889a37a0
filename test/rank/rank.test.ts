/** A tiny ranking run end to end (one episode per policy on put-block-in-bowl), its plot and its files. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseRewardProgram } from "../../src/program/program.ts";
import { PUT_BLOCK_IN_BOWL_PROGRAM } from "../../src/program/reference/index.ts";
import { RankError, rankingSvg, runRanking, writeRanking } from "../../src/rank/index.ts";

const ENV = "Tabletop-put-block-in-bowl-seen-colors-v0";
const dir = mkdtempSync(join(tmpdir(), "vlmcar-rank-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("runRanking", () => {
  it("pays each episode through the wrapper, summarises per policy in Fig. 4's order and writes results", () => {
    const streamed: string[] = [];
    const result = runRanking({
      envId: ENV,
      program: PUT_BLOCK_IN_BOWL_PROGRAM,
      episodes: 2,
      policies: ["expert", "random"],
      seed: 3,
      onEpisode: (e) => streamed.push(`${e.policy}:${e.seed}`),
    });
    assert.deepEqual(streamed, ["random:3", "random:4", "expert:3", "expert:4"]);
    assert.deepEqual(
      result.policies.map((p) => [p.policy, p.seeds]),
      [
        ["random", [3, 4]],
        ["expert", [3, 4]],
      ],
    );
    const [random, expert] = result.policies;
    // The oracle solves these seeds; the program pays its sub-tasks (1) and goal (1), shaping nets about 0.
    assert.equal(expert.successes, 2);
    assert.equal(expert.env.mean, 1);
    assert.ok(expert.program.mean > 1.9 && expert.program.mean <= 2, String(expert.program.mean));
    assert.equal(random.program.mean, 0);
    assert.equal(random.env.mean, 0);
    assert.equal(result.order.program.strict, true);
    assert.equal(result.kendall.n, 4);
    // 4 concordant pairs (expert over random); the random pair tied in both, the expert pair in env reward only
    // (the shaping makes the expert's program rewards differ a little): 4 / √((6 − 1)(6 − 2)).
    assert.equal(result.kendall.concordant, 4);
    assert.ok(Math.abs((result.kendall.tau ?? 0) - 4 / Math.sqrt(20)) < 1e-12, String(result.kendall.tau));
    assert.equal(result.config.rewardMode, "code");
    assert.equal(result.config.goalBonus, 1);
    assert.equal(result.program.source, "hand-written");
    assert.match(result.program.hash, /^[0-9a-f]{64}$/);
    assert.ok("commit" in result.codeVersion);
    assert.equal(result.checkErrors.steps, 0);

    const svg = rankingSvg(result);
    assert.equal((svg.match(/<g class="bar"/g) ?? []).length, 4);
    assert.match(svg, /data-panel="program" data-policy="expert" data-mean="1\.9/);
    assert.match(svg, /order correct/);
    const paths = writeRanking(join(dir, "out"), result);
    for (const p of Object.values(paths)) assert.ok(existsSync(p), p);
    assert.equal(JSON.parse(readFileSync(paths.results, "utf8")).episodes.length, 4);
  });

  it("counts a check that throws on frames as not fired and reports it", () => {
    const throwing = parseRewardProgram({
      ...PUT_BLOCK_IN_BOWL_PROGRAM,
      goal: { description: "throws", code: "(frame, first) => { throw new Error('boom'); }" },
    });
    const result = runRanking({
      envId: ENV,
      program: throwing,
      episodes: 1,
      policies: ["expert"],
      seed: 3,
    });
    assert.ok(result.checkErrors.steps > 0);
    assert.match(result.checkErrors.examples[0], /boom/);
  });

  it("refuses bad counts and policy names with RankError", () => {
    const program = PUT_BLOCK_IN_BOWL_PROGRAM;
    assert.throws(() => runRanking({ envId: ENV, program, episodes: 0 }), RankError);
    assert.throws(
      () => runRanking({ envId: ENV, program, policies: ["expret" as never] }),
      /unknown policy "expret"/,
    );
  });
});
