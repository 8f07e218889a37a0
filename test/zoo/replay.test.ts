/**
 * Every recorded generation in zoo/ still replays: the current code asks exactly what was recorded (the same
 * prompt texts and the same images, so the scene, the renderer and the prompt revision are unchanged for it) and
 * assembles the same program. Each folder is resumed from a copy with the `replay` provider, so its stored
 * verification reports are reused and no trajectories are played again; a request that differs from the
 * recording stops the replay with the transcript's "not in the recording" error.
 */
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { lastLine, vlmcar } from "../cli/helpers.ts";

const ZOO = fileURLToPath(new URL("../../zoo/", import.meta.url));

interface Task {
  env: string;
  task: string;
  settings: { experts: number; random: number; seed: number };
}

const folders = readdirSync(ZOO, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ZOO, d.name, "task.json")))
  .map((d) => d.name);

test("the zoo holds recordings of all three env families", () => {
  for (const family of ["MiniGrid-", "Panda", "Tabletop-"])
    assert.ok(
      folders.some((f) => f.startsWith(family)),
      `no ${family} recording in zoo/`,
    );
});

for (const name of folders) {
  test(`zoo/${name} replays to its recorded program`, () => {
    const recorded = join(ZOO, name);
    const task = JSON.parse(readFileSync(join(recorded, "task.json"), "utf8")) as Task;
    const summary = JSON.parse(readFileSync(join(recorded, "summary.json"), "utf8")) as {
      verdict: string;
      programHash: string;
    };
    const out = join(mkdtempSync(join(tmpdir(), "vlmcar-zoo-")), name);
    try {
      cpSync(recorded, out, { recursive: true });
      const { status, stdout, stderr } = vlmcar(
        "generate",
        ...["--env", task.env, "--task", task.task, "--out", out, "--json"],
        ...["--vlm", `replay:${join(recorded, "transcript.jsonl")}`],
        ...["--experts", String(task.settings.experts), "--random", String(task.settings.random)],
        ...["--seed", String(task.settings.seed)],
      );
      assert.equal(status, summary.verdict === "accepted" ? 0 : 1, `${stdout}\n${stderr}`);
      const result = lastLine(stdout) as { verdict: string; programHash: string };
      assert.equal(result.verdict, summary.verdict);
      assert.equal(result.programHash, summary.programHash);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}
