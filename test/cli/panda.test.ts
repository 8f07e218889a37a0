/** `vlmcar collect` and `vlmcar demo` on a Panda id through the real command line: Box actions, small frames. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import "../../src/env/panda/index.ts";
import { PUSH_RENDER } from "../../src/program/reference/panda.ts";
import { loadTrajectories, streamEpisode } from "../../src/trajectories/index.ts";
import { lastLine, vlmcar } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "vlmcar-cli-panda-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("vlmcar on PandaPushJoints-v3", () => {
  it("collects noisy-expert episodes with their 7 joint actions and frames at the asked size", () => {
    const out = join(dir, "novice");
    const r = vlmcar(
      "collect",
      ...["--env", "PandaPushJoints-v3", "--policy", "novice", "--episodes", "2", "--size", "32x24"],
      ...["--out", out, "--json"],
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(lastLine(r.stdout).episodes, 2);
    const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
    assert.deepEqual(index.frameSize, { width: 32, height: 24 });
    assert.equal(index.render.mode, "scene");
    const actions: number[][] = index.episodes[0].actions;
    assert.ok(actions.length > 0);
    for (const a of actions) {
      assert.equal(a.length, 7);
      for (const v of a) assert.ok(v >= -1 && v <= 1, `action value ${v} outside the Box`);
    }
    // Half the novice's actions are random: not all steps can be the expert's bounded IK steps.
    assert.ok(new Set(actions.map((a) => a.join(","))).size > 1);
  });

  it("stores random episodes without frames and replays them into the same frames", () => {
    const out = join(dir, "random");
    const r = vlmcar(
      "collect",
      ...["--env", "PandaPushJoints-v3", "--policy", "random", "--episodes", "1", "--seed", "3"],
      ...["--size", "24x16", "--no-frames", "--out", out, "--json"],
    );
    assert.equal(r.status, 0, r.stderr);
    const set = loadTrajectories(out);
    assert.equal(set.episodes[0].seed, 3);
    assert.equal(set.episodes[0].actions.length, 50, "random Push episodes run to the 50-step limit");
    // Without PNGs the frames come from replaying the stored float actions; every frame's hash is checked.
    const widths: number[] = [];
    streamEpisode(set, 0, { frame: (frame) => widths.push(frame.width) });
    assert.equal(widths.length, 51);
    assert.ok(widths.every((w) => w === 24));
  });

  it("rejects a grid-only option with a message naming the fix", () => {
    const r = vlmcar(
      "collect",
      ...["--env", "PandaPushJoints-v3", "--policy", "random", "--episodes", "1", "--agent-view"],
      ...["--out", join(dir, "bad")],
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--agent-view is for grid worlds/);
  });

  it("demo writes the expert's episode at the asked size", () => {
    const r = vlmcar("demo", "--env", "PandaPushJoints-v3", "--size", "32x24", "--out", dir, "--json");
    assert.equal(r.status, 0, r.stderr);
    const summary = lastLine(r.stdout);
    assert.ok(summary.return > -50, "the expert reaches the target before the time limit");
    assert.ok(existsSync(summary.gif));
  });

  it("verify judges a program on Panda expert and random episodes and rejects a goal that never fires", () => {
    const programFile = join(dir, "program.json");
    // A fixture program: its sub-task sees the green cube in every frame; its goal never fires.
    writeFileSync(
      programFile,
      JSON.stringify({
        format: "vlmcar.program/1",
        task: { envId: "PandaPushJoints-v3", description: "push the cube to the target" },
        helpers: "",
        subtasks: [
          {
            name: "cube visible",
            description: "some bright green pixel",
            code: "(frame) => { for (let i = 0; i < frame.data.length; i += 3) if (frame.data[i + 1] > 140 && frame.data[i] < 110 && frame.data[i + 2] < 110) return true; return false; }",
          },
        ],
        goal: { description: "never", code: "() => false" },
        provenance: { source: "fixture", notes: "CLI test" },
      }),
    );
    const out = join(dir, "verify");
    const r = vlmcar(
      "verify",
      ...["--env", "PandaPushJoints-v3", "--program", programFile, "--experts", "1", "--random", "1"],
      ...["--out", out, "--json"],
    );
    assert.equal(r.status, 1, r.stderr);
    const result = lastLine(r.stdout);
    assert.equal(result.accepted, false);
    assert.equal(
      result.experts,
      1,
      "a successful expert episode was found (Panda success = the success event)",
    );
    assert.equal(result.checks[0].expertFireRate, 1, "the cube is visible in the default 160x120 frames");
    assert.ok(result.failed.includes("expert-completion"));
  });

  it("collect --render-of records the frames a program reads; verify refuses saved sets rendered otherwise", () => {
    const own = join(dir, "reference-frames");
    const r = vlmcar(
      "collect",
      ...["--env", "PandaPushJoints-v3", "--policy", "random", "--episodes", "1", "--no-frames"],
      ...["--render-of", "reference", "--out", own, "--json"],
    );
    assert.equal(r.status, 0, r.stderr);
    const index = JSON.parse(readFileSync(join(own, "index.json"), "utf8"));
    assert.deepEqual(index.render, PUSH_RENDER);

    const other = join(dir, "default-frames");
    const c = vlmcar(
      "collect",
      ...["--env", "PandaPushJoints-v3", "--policy", "random", "--episodes", "1", "--no-frames"],
      ...["--size", "24x16", "--out", other],
    );
    assert.equal(c.status, 0, c.stderr);
    const v = vlmcar(
      "verify",
      ...["--env", "PandaPushJoints-v3", "--program", "reference", "--expert-set", other],
      ...["--random", "0", "--out", join(dir, "verify-conflict")],
    );
    assert.equal(v.status, 2, v.stderr);
    assert.match(v.stderr, /reads frames rendered as scene 160x120/);
    assert.match(v.stderr, /saved expert trajectories were rendered as scene 24x16/);
    assert.match(v.stderr, /--render-of/);
  });
});
