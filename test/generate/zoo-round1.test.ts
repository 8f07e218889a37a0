/**
 * Every zoo recording still asks its first round as it was recorded: the chain of round 1 (system prompt, the
 * opening question with its frames, the sub-task list, each check question) replays from the recorded
 * transcript to the recorded round-1 program, whatever revision it was made with. A prompt change that is not
 * kept behind a new revision fails here, naming the first request that differs. (The later rounds quote
 * verification's feedback; `vlmcar generate --vlm replay:zoo/<id>/transcript.jsonl` replays them whole.)
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import "../../src/env/index.ts";
import { generateProgram, transcriptPath } from "../../src/generate/generate.ts";
import { ZOO_DIR } from "../../src/pipeline/zoo.ts";
import { createVlmClient } from "../../src/vlm/client.ts";
import { tempDir } from "./fixtures.ts";

const folders = readdirSync(ZOO_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe("zoo recordings replay their first round", () => {
  for (const name of folders) {
    it(name, async (t) => {
      const dir = join(ZOO_DIR, name);
      const task = JSON.parse(readFileSync(join(dir, "task.json"), "utf8"));
      const recorded = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
      const out = join(tempDir(t), "replay");
      const spec = `replay:${transcriptPath(dir)}`;
      // The frames the recording showed (a generation folder keeps showing its own frames), so an expert or
      // renderer improved since does not count as a prompt change.
      mkdirSync(out, { recursive: true });
      cpSync(join(dir, "task.json"), join(out, "task.json"));
      cpSync(join(dir, "frames"), join(out, "frames"), { recursive: true });
      const { summary } = await generateProgram({
        envId: task.env,
        task: task.task,
        seed: task.settings.seed ?? task.seed,
        render: task.render,
        ...(task.settings.initialFrames ? { initialFrames: task.settings.initialFrames } : {}),
        temperature: task.settings.temperature,
        ...(task.settings.maxTokens ? { maxTokens: task.settings.maxTokens } : {}),
        vlm: createVlmClient(spec, { transcript: transcriptPath(out) }),
        vlmSpec: spec,
        outDir: out,
        // Round 1 only, judged on one expert: the chain's requests do not depend on verification.
        maxRounds: 1,
        experts: 1,
        random: 0,
      });
      assert.equal(summary.error, undefined, summary.error);
      assert.equal(summary.settings.revision, task.settings.revision ?? 1);
      assert.equal(summary.rounds[0].programHash, recorded.rounds[0].programHash);
    });
  }
});
