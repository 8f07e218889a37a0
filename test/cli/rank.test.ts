/** `vlmcar rank` through the real command line: a tiny run, and bad input with clear errors. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PUT_BLOCK_IN_BOWL_PROGRAM, UNLOCK_PROGRAM } from "../../src/program/reference/index.ts";
import { vlmcar } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "vlmcar-cli-rank-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const ENV = "Tabletop-put-block-in-bowl-seen-colors-v0";

describe("vlmcar rank", () => {
  it("ranks two policies and ends --json output with means, the order verdict and tau", () => {
    const out = join(dir, "run");
    const r = vlmcar(
      "rank",
      "--env",
      ENV,
      "--program",
      "reference",
      "--episodes",
      "1",
      "--policies",
      "expert,random",
      "--seed",
      "3",
      "--out",
      out,
      "--json",
    );
    assert.equal(r.status, 0, r.stderr);
    const last = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "null");
    assert.deepEqual(
      last.policies.map((p: { policy: string }) => p.policy),
      ["random", "expert"],
    );
    assert.equal(last.orderCorrect, true);
    assert.equal(typeof last.kendallTau, "number");
    for (const f of ["results.json", "rank.svg", "summary.txt", "episodes.jsonl"]) {
      assert.ok(existsSync(join(out, f)), f);
    }
    assert.equal(readFileSync(join(out, "episodes.jsonl"), "utf8").trim().split("\n").length, 2);
  });

  it("names the problem for an unknown env, a program for another env, a failing program and bad options", () => {
    const unknown = vlmcar("rank", "--env", "Tabletop-no-such-task-v0", "--program", "reference");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Tabletop-no-such-task-v0/);

    const unlock = join(dir, "unlock.json");
    writeFileSync(unlock, JSON.stringify(UNLOCK_PROGRAM));
    const other = vlmcar("rank", "--env", ENV, "--program", unlock);
    assert.equal(other.status, 2);
    assert.match(other.stderr, /written for MiniGrid-Unlock-v0, not Tabletop-put-block-in-bowl/);
    assert.match(other.stderr, /--any-env/);

    const throwing = join(dir, "throws.json");
    writeFileSync(
      throwing,
      JSON.stringify({
        ...PUT_BLOCK_IN_BOWL_PROGRAM,
        goal: { description: "throws", code: "(frame, first) => { throw new Error('boom'); }" },
      }),
    );
    const fails = vlmcar("rank", "--env", ENV, "--program", throwing);
    assert.equal(fails.status, 2);
    assert.match(fails.stderr, /boom/);

    const policies = vlmcar("rank", "--env", ENV, "--program", "reference", "--policies", "expert,noob");
    assert.equal(policies.status, 2);
    assert.match(policies.stderr, /unknown policy "noob"/);
  });
});
