/**
 * What a user can get wrong ends in a message and exit code 2, never a stack trace; settings are checked the
 * same way (README, "Exit codes"). Every case runs the real command line.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ResultsStore } from "../../src/experiments/store.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURE = fileURLToPath(new URL("../experiments/doorkey-fixture.json", import.meta.url));
const ZOO_TRANSCRIPT = join(ROOT, "zoo", "MiniGrid-DoorKey-6x6-v0", "transcript.jsonl");
const dir = mkdtempSync(join(tmpdir(), "vlmcar-cli-errors-"));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function vlmcar(
  args: string[],
  options: { onOutput?: (text: string, interrupt: () => void) => void } = {},
): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    let interrupted = false;
    const interrupt = () => {
      if (interrupted) return;
      interrupted = true;
      child.kill("SIGINT");
    };
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (!interrupted) options.onOutput?.(stdout, interrupt);
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("exit", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** Exit code 2, the expected words, and no stack trace. */
function assertUsageError(r: Result, message: RegExp): void {
  assert.equal(r.status, 2, `exit code 2; stderr:\n${r.stderr}`);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
}

const file = join(dir, "a-file");
writeFileSync(file, "not a folder");

/**
 * A folder this user cannot create: under a chmod 555 folder, or, for root (whom permissions do not stop),
 * under /sys, which refuses new folders when it is mounted as usual.
 */
function readOnlyFolder(): string | null {
  if (process.getuid?.() !== 0) {
    const ro = join(dir, "read-only");
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    return join(ro, "out");
  }
  try {
    mkdirSync("/sys/vlmcar-probe");
    rmSync("/sys/vlmcar-probe", { recursive: true });
    return null;
  } catch {
    return "/sys/vlmcar-out";
  }
}
const readOnly = readOnlyFolder();

const emptyStore = join(dir, "results.sqlite");
new ResultsStore(emptyStore).close();

/** Each command that writes, with arguments that get it as far as writing. */
const writers: Record<string, string[]> = {
  demo: ["demo", "--env", "MiniGrid-Empty-5x5-v0"],
  train: ["train", "--env", "MiniGrid-Empty-5x5-v0", "--frames", "64"],
  experiment: ["experiment", "--envs", "MiniGrid-Empty-5x5-v0", "--frames", "64", "--seeds", "1"],
  report: ["report", "--db", emptyStore],
  generate: ["generate", "--env", "MiniGrid-DoorKey-6x6-v0", "--vlm", `replay:${ZOO_TRANSCRIPT}`],
  verify: [
    "verify",
    "--env",
    "MiniGrid-Unlock-v0",
    "--program",
    "reference",
    "--experts",
    "1",
    "--random",
    "1",
  ],
  collect: ["collect", "--env", "MiniGrid-Empty-5x5-v0", "--policy", "random", "--episodes", "1"],
  run: ["run", "--frames", "64"],
};

describe("--out that cannot be written", { concurrency: 4 }, () => {
  for (const [command, args] of Object.entries(writers)) {
    it(`${command}: --out at a file`, async () => {
      assertUsageError(
        await vlmcar([...args, "--out", file]),
        /is a file, not a folder|a part of the path is a file/,
      );
    });
    it(`${command}: --out in a read-only place`, async (t) => {
      if (readOnly === null) return t.skip("no read-only folder on this machine");
      assertUsageError(
        await vlmcar([...args, "--out", readOnly]),
        /cannot be written|operation not permitted|permission denied|read-only/,
      );
    });
  }
});

describe("user mistakes and settings", { concurrency: 4 }, () => {
  it("an unknown env on demo and generate names the closest ids", async () => {
    for (const args of [
      ["demo", "--env", "MiniGrid-DoorKey-8x8", "--out", join(dir, "demo")],
      [
        "generate",
        "--env",
        "MiniGrid-DoorKey-8x8",
        "--vlm",
        `replay:${ZOO_TRANSCRIPT}`,
        "--out",
        join(dir, "g"),
      ],
    ])
      assertUsageError(await vlmcar(args), /unknown env id "MiniGrid-DoorKey-8x8".*Did you mean/);
  });

  it("a missing replay transcript", async () => {
    const args = [
      "generate",
      "--env",
      "MiniGrid-DoorKey-6x6-v0",
      "--vlm",
      `replay:${join(dir, "nope.jsonl")}`,
    ];
    assertUsageError(await vlmcar([...args, "--out", join(dir, "g2")]), /no transcript at .*nope\.jsonl/);
  });

  it("report --db on a file that is not a results store", async () => {
    assertUsageError(
      await vlmcar(["report", "--db", file, "--out", join(dir, "r")]),
      /is not a vlmcar results store/,
    );
  });

  it("train with a program that does not compile names the problem and leaves no run folder", async () => {
    const broken = join(dir, "broken.json");
    const program = JSON.parse(readFileSync(FIXTURE, "utf8"));
    program.subtasks[0].code = "(frame, first) => {";
    writeFileSync(broken, JSON.stringify(program));
    const out = join(dir, "broken-run");
    const r = await vlmcar([
      "train",
      "--env",
      "MiniGrid-DoorKey-5x5-v0",
      "--reward",
      "vlmcar",
      "--program",
      broken,
      "--frames",
      "64",
      "--out",
      out,
    ]);
    assertUsageError(
      r,
      /cannot reward MiniGrid-DoorKey-5x5-v0: it has 1 problem:\n.*is not valid JavaScript/,
    );
    assert.ok(!existsSync(out), "no stray run folder");
  });

  it("train into another run's folder, and a program written for another env", async () => {
    const out = join(dir, "taken");
    const base = ["train", "--env", "MiniGrid-DoorKey-5x5-v0", "--frames", "64", "--num-envs", "1"];
    const flags = ["--eval-every", "0", "--final-episodes", "1", "--out", out];
    const program = JSON.parse(readFileSync(FIXTURE, "utf8"));
    program.task.envId = "MiniGrid-Unlock-v0";
    const elsewhere = join(dir, "unlock-program.json");
    writeFileSync(elsewhere, JSON.stringify(program));
    const first = await vlmcar([...base, "--reward", "vlmcar", "--program", elsewhere, ...flags]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(
      first.stdout,
      /warning: the program .*unlock-program\.json was written for MiniGrid-Unlock-v0, and is used here on MiniGrid-DoorKey-5x5-v0/,
    );
    assertUsageError(await vlmcar([...base, "--seed", "1", ...flags]), /holds run .* \(another config\)/);
  });

  it("--shaping and --rewards are checked, with the closest reward named", async () => {
    const train = ["train", "--env", "MiniGrid-Empty-5x5-v0", "--frames", "64", "--out", join(dir, "s")];
    assertUsageError(
      await vlmcar([...train, "--reward", "reference", "--shaping", "foo"]),
      /--shaping must be code\+env or code, got "foo"/,
    );
    assertUsageError(
      await vlmcar([...train, "--shaping", "code"]),
      /--shaping applies to the vlmcar and reference rewards/,
    );
    assertUsageError(
      await vlmcar([...train, "--reward", "refrence"]),
      /unknown reward "refrence"; did you mean "reference"\?/,
    );
    assertUsageError(
      await vlmcar([
        "experiment",
        "--envs",
        "MiniGrid-Empty-5x5-v0",
        "--frames",
        "64",
        "--rewards",
        "sparse,vlmcr",
      ]),
      /unknown reward "vlmcr"; did you mean "vlmcar"\? the rewards are sparse, vlmcar, reference/,
    );
  });

  it("--set takes PPO settings checked against the spec schema, naming the valid keys", async () => {
    const train = ["train", "--env", "MiniGrid-Empty-5x5-v0", "--frames", "64", "--out", join(dir, "set")];
    assertUsageError(
      await vlmcar([...train, "--set", "ppo.lrr=3e-4"]),
      /unknown setting "ppo\.lrr"; did you mean ppo\.lr\? Valid settings: ppo\.numEnvs, /,
    );
    assertUsageError(await vlmcar([...train, "--set", "ppo.lr=-1"]), /--set ppo\.lr=-1: /);
    assertUsageError(await vlmcar([...train, "--set", "lr"]), /--set takes KEY=VALUE/);
  });

  it("frames are rounded up to whole updates, said so, and recorded", async () => {
    const out = join(dir, "rounded");
    const r = await vlmcar([
      "train",
      "--env",
      "MiniGrid-Empty-5x5-v0",
      "--frames",
      "300",
      "--set",
      "ppo.numEnvs=2",
      "--set",
      "ppo.numSteps=64",
      "--set",
      "ppo.lr=3e-4",
      "--eval-every",
      "0",
      "--final-episodes",
      "1",
      "--out",
      out,
      "--json",
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stderr,
      /--frames 300 is rounded up to 384 frames: PPO trains whole updates of 128 frames/,
    );
    assert.equal(JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}").frames, 384);
    const manifest = JSON.parse(readFileSync(join(out, "config.json"), "utf8"));
    assert.equal(manifest.config.ppo.lr, 3e-4, "the --set value is in the run's config");
  });

  it("collect refuses to overwrite a trajectory set; --force replaces it with no old frame left", async () => {
    const out = join(dir, "trajectories");
    const collect = (seed: string, ...extra: string[]) =>
      vlmcar([
        "collect",
        "--env",
        "MiniGrid-DoorKey-5x5-v0",
        "--policy",
        "random",
        "--episodes",
        "2",
        "--seed",
        seed,
        "--out",
        out,
        ...extra,
      ]);
    assert.equal((await collect("0")).status, 0);
    const stale = join(out, "frames", "stale.png");
    writeFileSync(stale, "an old frame");
    assertUsageError(await collect("10"), /already holds a trajectory set \(index\.json, frames\).*--force/);
    assert.ok(existsSync(stale), "nothing deleted without --force");
    const forced = await collect("10", "--force");
    assert.equal(forced.status, 0, forced.stderr);
    const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
    assert.equal(index.seedBase, 10);
    const referenced = new Set<string>(JSON.stringify(index).match(/[0-9a-f]{16,}/g) ?? []);
    const files = readdirSync(join(out, "frames"));
    assert.ok(files.length > 0);
    for (const f of files) assert.ok(referenced.has(f.replace(/\.png$/, "")), `${f} belongs to the new set`);
  });

  it("Ctrl-C during train says what was saved and how to resume, and exits 130", async () => {
    const out = join(dir, "interrupted");
    const r = await vlmcar(
      ["train", "--env", "MiniGrid-Empty-5x5-v0", "--frames", "10000000", "--num-envs", "2", "--out", out],
      { onOutput: (text, interrupt) => /training into/.test(text) && setTimeout(interrupt, 500) },
    );
    assert.equal(r.status, 130, r.stderr);
    assert.match(
      r.stderr,
      /stopped\. .*interrupted keeps the run up to its last checkpoint .*run the same command again to resume/,
    );
    assert.ok(existsSync(join(out, "checkpoint.bin")));
  });
});
