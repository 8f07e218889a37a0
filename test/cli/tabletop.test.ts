/**
 * `vlmcar demo`, `collect` and `verify` on a Tabletop id through the real command line: the oracle as the
 * expert, pick-place actions stored as 14 numbers and replayed into the same frames, the front camera's frames.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import "../../src/env/tabletop/index.ts";
import { loadTrajectories, streamEpisode } from "../../src/trajectories/index.ts";
import { lastLine, vlmcar } from "./helpers.ts";

const ENV = "Tabletop-put-block-in-bowl-seen-colors-v0";
const dir = mkdtempSync(join(tmpdir(), "vlmcar-cli-tabletop-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe(`vlmcar on ${ENV}`, () => {
  it("demo runs the oracle to success at the default 640x480", () => {
    const r = vlmcar("demo", "--env", ENV, "--seed", "1", "--out", dir, "--json");
    assert.equal(r.status, 0, r.stderr);
    const summary = lastLine(r.stdout);
    assert.ok(summary.return > 0.99, `the oracle solves seed 1, return ${summary.return}`);
    assert.ok(summary.events.some((e: { event: { type: string } }) => e.event.type === "success"));
    assert.ok(existsSync(summary.strip));
  });

  it("collects novice episodes as 14-number pick-place actions with front-camera frames", () => {
    const out = join(dir, "novice");
    const r = vlmcar(
      "collect",
      ...["--env", ENV, "--policy", "novice", "--episodes", "2", "--out", out, "--json"],
    );
    assert.equal(r.status, 0, r.stderr);
    const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
    assert.deepEqual(index.frameSize, { width: 640, height: 480 });
    assert.deepEqual(index.envOptions, { renderWidth: 640, renderHeight: 480, renderShadows: true });
    for (const episode of index.episodes) {
      assert.ok(episode.actions.length >= 1);
      for (const a of episode.actions) assert.equal(a.length, 14, "pose0 then pose1, 7 numbers each");
    }
  });

  it("stores random episodes without frames and replays them into the same frames at --size", () => {
    const out = join(dir, "random");
    const r = vlmcar(
      "collect",
      ...["--env", ENV, "--policy", "random", "--episodes", "1", "--seed", "4", "--size", "160x120"],
      ...["--no-frames", "--out", out, "--json"],
    );
    assert.equal(r.status, 0, r.stderr);
    const set = loadTrajectories(out);
    const steps = set.episodes[0].actions.length;
    assert.ok(steps >= 2, "random episodes run to the task's step limit (n_blocks + 1)");
    // Replaying the stored float poses regenerates every frame; each frame's hash is checked against the record.
    const widths: number[] = [];
    streamEpisode(set, 0, { frame: (frame) => widths.push(frame.width) });
    assert.equal(widths.length, steps + 1);
    assert.ok(widths.every((w) => w === 160));
  });

  it("verify judges a program on oracle and random episodes and rejects a goal that never fires", () => {
    const programFile = join(dir, "program.json");
    // A fixture program: its sub-task sees the dark-grey workspace in every frame; its goal never fires.
    writeFileSync(
      programFile,
      JSON.stringify({
        format: "vlmcar.program/1",
        task: { envId: ENV, description: "put the blocks in a bowl" },
        helpers: "",
        subtasks: [
          {
            name: "workspace visible",
            description: "many dark grey pixels",
            code: "(frame) => { let n = 0; for (let i = 0; i < frame.data.length; i += 3) if (frame.data[i] > 30 && frame.data[i] < 60 && frame.data[i + 1] < 60 && frame.data[i + 2] < 60) n++; return n > 1000; }",
          },
        ],
        goal: { description: "never", code: "() => false" },
        provenance: { source: "fixture", notes: "CLI test" },
      }),
    );
    const r = vlmcar(
      "verify",
      ...["--env", ENV, "--program", programFile, "--experts", "1", "--random", "1"],
      ...["--out", join(dir, "verify"), "--json"],
    );
    assert.equal(r.status, 1, r.stderr);
    const result = lastLine(r.stdout);
    assert.equal(result.accepted, false);
    assert.equal(result.experts, 1, "the oracle's episode succeeded");
    assert.equal(result.checks[0].expertFireRate, 1, "the workspace is in every front-camera frame");
    assert.ok(result.failed.includes("expert-completion"));
  });

  it("rejects a grid-only option with a message naming the fix", () => {
    const r = vlmcar(
      "collect",
      ...["--env", ENV, "--policy", "random", "--episodes", "1", "--agent-view"],
      ...["--out", join(dir, "bad")],
    );
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--agent-view is for grid worlds/);
  });
});
