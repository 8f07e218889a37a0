/**
 * examples/custom-env: a plugin registers a custom env and its expert, then the CLI collects, verifies and
 * lists it, with the plugin named by --import, by VLMCAR_IMPORT and by vlmcar.config.json.
 *
 * The CLI runs from the sources (tsx), and node's `vlmcar-source` condition (in NODE_OPTIONS, so experiment
 * workers get it too) points the plugin's `import "vlmcar/env"` at the sources as well: the test needs no
 * build and always checks the current code.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";

const repo = resolve(import.meta.dirname, "../..");
const plugin = join(repo, "examples", "custom-env", "switch-room.mjs");
const program = join(repo, "examples", "custom-env", "program.json");
const out = mkdtempSync(join(tmpdir(), "vlmcar-example-"));
after(() => rmSync(out, { recursive: true, force: true }));

function vlmcar(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(
    process.execPath,
    [
      "--conditions=vlmcar-source",
      "--import",
      import.meta.resolve("tsx"),
      join(repo, "src", "cli", "main.ts"),
      ...args,
    ],
    { cwd: options.cwd ?? repo, encoding: "utf8", env: { ...process.env, ...options.env } },
  );
  const last = result.stdout.trim().split("\n").at(-1) ?? "";
  return {
    status: result.status,
    stderr: result.stderr,
    json: last.startsWith("{") ? JSON.parse(last) : null,
  };
}

test("without the plugin the env is unknown; with --import the CLI collects and verifies it", () => {
  const unknown = vlmcar([
    "collect",
    "--env",
    "SwitchRoom-v0",
    "--policy",
    "expert",
    "--episodes",
    "1",
    "--out",
    join(out, "x"),
  ]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown env id "SwitchRoom-v0"/);

  const collect = (policy: string, episodes: string) =>
    vlmcar([
      "--import",
      plugin,
      "collect",
      "--env",
      "SwitchRoom-v0",
      "--policy",
      policy,
      "--episodes",
      episodes,
      "--out",
      join(out, policy),
      "--json",
    ]);
  const experts = collect("expert", "10");
  assert.equal(experts.status, 0, experts.stderr);
  assert.equal(experts.json.successes, 10, "the registered expert solves every episode");
  const random = collect("random", "40");
  assert.equal(random.status, 0, random.stderr);
  assert.ok(random.json.successes < 10, "random play rarely solves it");

  // Verification on the recorded demonstrations (no expert is run), then with the registered expert.
  const recorded = vlmcar([
    "verify",
    "--import",
    plugin,
    "--env",
    "SwitchRoom-v0",
    "--program",
    program,
    "--expert-set",
    join(out, "expert"),
    "--random-set",
    join(out, "random"),
    "--out",
    join(out, "v1"),
    "--json",
  ]);
  assert.equal(recorded.status, 0, recorded.stderr);
  assert.equal(recorded.json.accepted, true);
  const live = vlmcar([
    "verify",
    "--import",
    plugin,
    "--env",
    "SwitchRoom-v0",
    "--program",
    program,
    "--experts",
    "5",
    "--random",
    "20",
    "--out",
    join(out, "v2"),
    "--json",
  ]);
  assert.equal(live.status, 0, live.stderr);
  assert.equal(live.json.accepted, true);
});

test("train and experiment (on worker processes) run on the plugin's env, with its reward program", () => {
  const train = vlmcar([
    "--import",
    plugin,
    "train",
    "--env",
    "SwitchRoom-v0",
    "--reward",
    "vlmcar",
    "--program",
    program,
    "--frames",
    "1024",
    "--num-envs",
    "4",
    "--eval-every",
    "0",
    "--final-episodes",
    "2",
    "--out",
    join(out, "train"),
    "--json",
  ]);
  assert.equal(train.status, 0, train.stderr);
  assert.equal(train.json.frames, 1024);
  const csv = readFileSync(join(out, "train", "metrics.csv"), "utf8")
    .trim()
    .split("\n");
  assert.equal(csv.length, 1 + 2, "two updates of 4 envs × 128 steps");

  const experiment = vlmcar([
    "--import",
    plugin,
    "experiment",
    "--envs",
    "SwitchRoom-v0",
    "--rewards",
    "sparse",
    "--seeds",
    "0,",
    "--frames",
    "512",
    "--out",
    join(out, "experiment"),
    "--json",
  ]);
  assert.equal(experiment.status, 0, experiment.stderr);
  assert.equal(experiment.json.done, 1, JSON.stringify(experiment.json));
  assert.deepEqual(experiment.json.failed, []);
});

test("the plugin can come from VLMCAR_IMPORT or vlmcar.config.json", () => {
  const fromVariable = vlmcar(["envs", "--json"], { env: { VLMCAR_IMPORT: plugin } });
  assert.ok(fromVariable.json.envs.includes("SwitchRoom-v0"));
  const project = mkdtempSync(join(out, "project-"));
  writeFileSync(join(project, "vlmcar.config.json"), JSON.stringify({ import: [plugin] }));
  const fromConfig = vlmcar(["envs", "--json"], { cwd: project });
  assert.ok(fromConfig.json.envs.includes("SwitchRoom-v0"), fromConfig.stderr);
  writeFileSync(join(project, "vlmcar.config.json"), JSON.stringify({ import: "nope" }));
  const bad = vlmcar(["envs"], { cwd: project });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /"import" must be a list of module paths/);
  assert.ok(existsSync(plugin));
});
