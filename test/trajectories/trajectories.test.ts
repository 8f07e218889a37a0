import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import "../../src/env/minigrid/index.ts";
import type { Frame } from "../../src/image/frame.ts";
import { RandomPolicy } from "../../src/policies/random.ts";
import {
  collectTrajectories,
  FrameStoreWriter,
  firstEventFrames,
  frameHash,
  loadTrajectories,
  policyFor,
  saveTrajectories,
  streamEpisode,
  succeeded,
  TrajectoryError,
} from "../../src/trajectories/index.ts";

const ENV = "MiniGrid-Unlock-v0";
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "vlmcar-traj-"));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("collectTrajectories", () => {
  it("plays episode i on seed base + i and records actions, rewards, flags, events and frame hashes", () => {
    const frames: { t: number; hash?: string }[] = [];
    const set = collectTrajectories(
      { envId: ENV, policy: policyFor("expert", ENV), episodes: 3, seedBase: 7 },
      { frame: (_f, t, hash) => frames.push({ t, hash }) },
    );
    assert.deepEqual(
      set.episodes.map((e) => e.seed),
      [7, 8, 9],
    );
    assert.deepEqual(set.frameSize, { width: 352, height: 192 });
    for (const e of set.episodes) {
      assert.equal(e.rewards.length, e.actions.length);
      assert.equal(e.frames?.length, e.actions.length + 1);
      assert.ok(succeeded(e), "the Unlock expert opens the door");
      assert.equal(e.truncated, false);
      const events = firstEventFrames(e);
      assert.ok((events.get("pickup key")?.frame ?? 99) < (events.get("open door")?.frame ?? 0));
      assert.equal(events.get("open door")?.frame, e.actions.length, "the door opens on the last step");
    }
    assert.equal(
      frames.length,
      set.episodes.reduce((n, e) => n + e.actions.length + 1, 0),
    );
    assert.deepEqual(frames.filter((f) => f.t === 0).length, 3);
  });

  it("replaces failed episodes under onlySuccesses and lists their seeds as skipped", () => {
    const set = collectTrajectories({
      envId: ENV,
      policy: new RandomPolicy(0),
      episodes: 2,
      onlySuccesses: true,
      maxAttempts: 3,
      maxSteps: 5,
      hashFrames: false,
    });
    assert.equal(set.episodes.length, 0);
    assert.deepEqual(
      set.skipped.map((s) => s.seed),
      [0, 1, 2],
    );
    assert.match(set.skipped[0].reason, /truncated after 5 steps/);
  });
});

describe("saving and loading", () => {
  const collect = (writer?: FrameStoreWriter) =>
    collectTrajectories(
      { envId: ENV, policy: policyFor("suboptimal", ENV), episodes: 2, seedBase: 3 },
      writer,
    );

  it("stores each distinct frame once as PNG and reads back frames with the recorded hashes", () => {
    const dir = tempDir();
    const writer = new FrameStoreWriter(dir);
    const set = collect(writer);
    saveTrajectories(dir, set, { framesStored: true });
    const distinct = new Set(set.episodes.flatMap((e) => e.frames ?? []));
    assert.equal(readdirSync(join(dir, "frames")).length, distinct.size);
    assert.equal(writer.written, distinct.size);

    const loaded = loadTrajectories(dir);
    assert.ok(loaded.framesDir);
    assert.deepEqual(loaded.episodes, JSON.parse(JSON.stringify(set.episodes)));
    const hashes: string[] = [];
    streamEpisode(loaded, 1, { frame: (frame) => hashes.push(frameHash(frame)) });
    assert.deepEqual(hashes, set.episodes[1].frames);
  });

  it("without frames, regenerates them by replay and checks them against the hashes", () => {
    const dir = tempDir();
    const set = collect();
    saveTrajectories(dir, set);
    const loaded = loadTrajectories(dir);
    assert.equal(loaded.framesDir, undefined);
    let first: Frame | null = null;
    let count = 0;
    let ended = false;
    streamEpisode(loaded, 0, {
      frame: (frame, t) => {
        if (t === 0) first = frame;
        count++;
      },
      end: () => {
        ended = true;
      },
    });
    assert.equal(count, set.episodes[0].actions.length + 1);
    assert.ok(ended);
    assert.ok(first !== null);
  });

  it("fails loudly when a replayed frame does not match the file", () => {
    const dir = tempDir();
    saveTrajectories(dir, collect());
    const path = join(dir, "index.json");
    const index = JSON.parse(readFileSync(path, "utf8"));
    index.episodes[0].frames[2] = "0123456789abcdef";
    writeFileSync(path, JSON.stringify(index));
    assert.throws(
      () => streamEpisode(loadTrajectories(dir), 0, {}),
      (e: unknown) =>
        e instanceof TrajectoryError &&
        /replayed frame 2 has hash .* but the file records 0123456789abcdef/.test(e.message),
    );
  });

  it("rejects a malformed index with every problem named", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "index.json"), JSON.stringify({ format: "vlmcar.trajectories/1", envId: ENV }));
    assert.throws(
      () => loadTrajectories(dir),
      (e: unknown) => e instanceof TrajectoryError && /episodes/.test(e.message) && /render/.test(e.message),
    );
    assert.throws(() => loadTrajectories(join(dir, "missing")), /cannot read it as JSON/);
  });

  it("refuses to save custom frames without storing them", () => {
    const set = collectTrajectories({
      envId: ENV,
      policy: new RandomPolicy(1),
      episodes: 1,
      maxSteps: 3,
      frameOf: (env) => env.render(),
    });
    assert.equal(set.render.mode, "custom");
    assert.throws(() => saveTrajectories(tempDir(), set), /cannot be regenerated by replay/);
  });
});

describe("succeeded", () => {
  const episode = (
    rewards: number[],
    terminated: boolean,
    lastEvents: { type: string; text: string }[] = [],
  ) => ({
    seed: 0,
    actions: rewards.map(() => [0, 0, 0]),
    rewards,
    terminated,
    truncated: !terminated,
    events: lastEvents.length > 0 ? { [rewards.length - 1]: lastEvents } : {},
  });

  it("counts a Panda episode that terminates with a success event, though its sparse reward is 0", () => {
    assert.equal(succeeded(episode([-1, -1, 0], true, [{ type: "success", text: "solved Push" }])), true);
    assert.equal(succeeded(episode([-1, -1, 0], true)), false, "terminated without reward or success event");
    assert.equal(succeeded(episode([-1, -1, -1], false)), false, "a time-out is no success");
  });
});
