/** `vlmcar generate` as a user runs it: a child process, the provider's base URL from the environment. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { ACCEPTED_CHAIN, FIXTURE_MODEL, SMALL, tempDir } from "../generate/fixtures.ts";
import { startFixtureServer } from "../vlm/fixture-server.ts";

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
