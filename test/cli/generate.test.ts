/** `vlmcar generate` as a user runs it: a child process, the provider's base URL from the environment. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { ACCEPTED_CHAIN, FIXTURE_MODEL, SMALL, tempDir } from "../generate/fixtures.ts";
import { startFixtureServer } from "../vlm/fixture-server.ts";
import { lastLine } from "./helpers.ts";

const run = promisify(execFile);

test("vlmcar generate --json: accepted program, folder written, last line one JSON object", async (t) => {
  const server = await startFixtureServer("openai", ACCEPTED_CHAIN);
  t.after(() => server.close());
  const out = join(tempDir(t), "gen");
  const args = [
    "--import",
    "tsx",
    "src/cli/main.ts",
    "generate",
    "--env",
    SMALL.envId,
    "--vlm",
    `openai:${FIXTURE_MODEL}`,
    "--experts",
    String(SMALL.experts),
    "--random",
    String(SMALL.random),
    "--max-rounds",
    "2",
    "--out",
    out,
    "--json",
  ];
  const env = {
    ...process.env,
    OPENAI_API_KEY: "test-key-not-a-secret",
    OPENAI_BASE_URL: server.url,
    VLMCAR_BUDGET_USD: "",
  };
  const { stdout } = await run(process.execPath, args, { env });
  const result = JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
  assert.equal(result.verdict, "accepted");
  assert.equal(result.rounds, 1);
  assert.match(result.programHash, /^[0-9a-f]{64}$/);
  assert.equal(result.calls.paid, 5);
  for (const file of [
    "program.json",
    "summary.json",
    "task.json",
    "transcript.jsonl",
    "frames/goal.png",
    "verify_round1/report.json",
  ]) {
    assert.ok(existsSync(join(out, file)), file);
  }

  // Bad input is one clear line and exit code 2, before anything is sent.
  const bad = await run(process.execPath, [...args.slice(0, 6), "--vlm", "openai", "--out", out], {
    env,
  }).catch((e) => e);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /names no model/);
  assert.equal(server.hits.length, 5);
});

test("vlmcar generate --vlm manual: request folders live in the generation folder, not shared between runs", async (t) => {
  const dir = tempDir(t);
  const manualRun = (out: string, extra: Record<string, string> = {}) =>
    run(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "generate",
        "--env",
        SMALL.envId,
        "--vlm",
        "manual:fixture-person",
        "--out",
        out,
        "--json",
      ],
      { env: { ...process.env, VLMCAR_MANUAL_DIR: "", VLMCAR_MANUAL_TIMEOUT_S: "0.3", ...extra } },
    ).catch((error: { stdout: string }) => error);
  const first = join(dir, "first");
  await manualRun(first);
  const firstRequest = join(first, "manual", "request-1");
  assert.ok(existsSync(join(firstRequest, "prompt.md")), "the request waits inside --out");
  // Answered there; a second generation asking the very same first question must not take that answer.
  writeFileSync(join(firstRequest, "reply.md"), "The goal: open the door.");
  const second = join(dir, "second");
  const again = (await manualRun(second)) as { stdout: string };
  assert.equal(lastLine(again.stdout).verdict, "waiting", "no reply of another generation is reused");
  assert.ok(existsSync(join(second, "manual", "request-1", "prompt.md")));
  // VLMCAR_MANUAL_DIR still chooses the folder.
  const shared = join(dir, "shared");
  await manualRun(join(dir, "third"), { VLMCAR_MANUAL_DIR: shared });
  assert.ok(existsSync(join(shared, "request-1", "prompt.md")));
  assert.ok(!existsSync(join(dir, "third", "manual")));
});
