/** `vlmcar verify` and `vlmcar collect` end to end, through the real command line. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { UNLOCK_PROGRAM } from "../../src/program/reference/unlock.ts";
import { lastLine, vlmcar } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "vlmcar-cli-verify-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("vlmcar verify", () => {
  it("verifies a program file and ends --json output with the verdict and per-check rates", () => {
    const programFile = join(dir, "unlock.json");
    writeFileSync(programFile, JSON.stringify(UNLOCK_PROGRAM));
    const out = join(dir, "accepted");
    const r = vlmcar(
      "verify",
      "--env",
      "MiniGrid-Unlock-v0",
      "--program",
      programFile,
      "--experts",
      "2",
      "--random",
      "2",
      "--out",
      out,
      "--json",
    );
    assert.equal(r.status, 0, r.stderr);
    const result = lastLine(r.stdout);
    assert.equal(result.accepted, true);
    assert.deepEqual(
      result.checks.map((c: { name: string }) => c.name),
      ["key picked up", "goal"],
    );
    assert.equal(result.checks[0].expertFireRate, 1);
    assert.match(r.stderr, /ACCEPTED/);
    assert.ok(existsSync(join(out, "report.json")));
    assert.match(readFileSync(join(out, "summary.txt"), "utf8"), /Rules:/);
  });

  it("exits 1 on rejection and writes the feedback frames", () => {
    const programFile = join(dir, "never.json");
    writeFileSync(
      programFile,
      JSON.stringify({
        ...UNLOCK_PROGRAM,
        subtasks: [{ name: "never", description: "", code: "() => false" }],
      }),
    );
    const out = join(dir, "rejected");
    const r = vlmcar(
      "verify",
      "--env",
      "MiniGrid-Unlock-v0",
      "--program",
      programFile,
      "--experts",
      "1",
      "--random",
      "1",
      "--out",
      out,
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /REJECTED/);
    assert.match(r.stdout, /Feedback:/);
    assert.ok(readdirSync(join(out, "feedback")).some((f) => f.endsWith(".png")));
  });

  it("names the problem in a bad program file", () => {
    const programFile = join(dir, "bad.json");
    writeFileSync(programFile, JSON.stringify({ ...UNLOCK_PROGRAM, goal: { description: "x", code: "" } }));
    const r = vlmcar("verify", "--env", "MiniGrid-Unlock-v0", "--program", programFile);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.json is not a valid reward program:\n {2}- goal\.code: is empty/);
    const missing = vlmcar("verify", "--env", "MiniGrid-Unlock-v0", "--program", join(dir, "nope.json"));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read it as JSON/);
  });
});

describe("vlmcar collect", () => {
  it("records episodes that vlmcar verify can use", () => {
    const experts = join(dir, "experts");
    const c = vlmcar(
      "collect",
      "--env",
      "MiniGrid-Unlock-v0",
      "--policy",
      "expert",
      "--episodes",
      "2",
      "--out",
      experts,
      "--json",
    );
    assert.equal(c.status, 0, c.stderr);
    const collected = lastLine(c.stdout);
    assert.equal(collected.episodes, 2);
    assert.equal(collected.successes, 2);
    assert.ok(collected.distinctFrames > 2);
    const random = join(dir, "random");
    assert.equal(
      vlmcar(
        "collect",
        "--env",
        "MiniGrid-Unlock-v0",
        "--policy",
        "random",
        "--episodes",
        "1",
        "--out",
        random,
        "--no-frames",
      ).status,
      0,
    );
    const r = vlmcar(
      "verify",
      "--env",
      "MiniGrid-Unlock-v0",
      "--program",
      "reference",
      "--expert-set",
      experts,
      "--random-set",
      random,
      "--out",
      join(dir, "from-sets"),
      "--json",
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(lastLine(r.stdout).experts, 2);
    assert.equal(lastLine(r.stdout).random, 1);
    const bad = vlmcar(
      "collect",
      "--env",
      "MiniGrid-Unlock-v0",
      "--policy",
      "genius",
      "--episodes",
      "1",
      "--out",
      random,
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown policy "genius"; use one of expert, random, novice, suboptimal/);
  });
});
