/**
 * The manual provider end to end: the prompt and images go to a folder, ANOTHER PROCESS (as a person with a
 * chat UI would) reads them and writes reply.md, and the call returns that reply.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { encodePng } from "../../src/image/png.ts";
import { createVlmClient } from "../../src/vlm/client.ts";
import type { VlmError } from "../../src/vlm/errors.ts";
import { tempDir, testFrame } from "./helpers.ts";

/**
 * A separate node process that waits (bounded) for request-1/prompt.md, checks it references the image, and
 * writes its reply in two steps, the way a slow editor might, to exercise the "file stopped changing" rule.
 */
const ANSWERER = `
const fs = require("fs"), path = require("path");
const folder = path.join(process.argv[1], "request-1");
let tries = 0;
const poll = setInterval(() => {
  if (++tries > 200) { clearInterval(poll); process.exit(2); }
  if (!fs.existsSync(path.join(folder, "prompt.md"))) return;
  clearInterval(poll);
  const prompt = fs.readFileSync(path.join(folder, "prompt.md"), "utf8");
  if (!prompt.includes("image-1.png") || !fs.existsSync(path.join(folder, "image-1.png"))) process.exit(3);
  fs.writeFileSync(path.join(folder, "reply.md"), "The goal: reach the ");
  setTimeout(() => fs.appendFileSync(path.join(folder, "reply.md"), "green square. (written by a test process)"), 30);
}, 20);
`;

test("manual: another process reads the prompt folder and writes reply.md", async (t) => {
  const dir = tempDir(t);
  const manualDir = join(dir, "manual");
  const child = spawn(process.execPath, ["-e", ANSWERER, manualDir], { stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  t.after(() => child.kill());
  const waiting: string[] = [];
  const client = createVlmClient("manual:gpt-4o-via-chat", {
    env: {},
    transcript: join(dir, "transcript.jsonl"),
    manual: {
      dir: manualDir,
      pollMs: 100,
      timeoutMs: 15_000,
      onWaiting: (info) => waiting.push(info.promptFile),
    },
  });
  const frame = testFrame();
  const reply = await client.chat({
    messages: [
      { role: "system", content: ["You write reward checks."] },
      { role: "user", content: ["What is the goal?", { type: "image", image: frame }] },
    ],
  });

  assert.equal(reply.text, "The goal: reach the green square. (written by a test process)");
  assert.equal(reply.provider, "manual");
  assert.equal(reply.model, "gpt-4o-via-chat", "the model the person named, nothing invented");
  assert.equal(reply.source, "manual");
  assert.equal(reply.usage.estimated, true);
  assert.equal(reply.costUsd, 0);
  assert.equal(await exited, 0);
  const folder = join(manualDir, "request-1");
  assert.deepEqual(waiting, [join(folder, "prompt.md")]);
  assert.deepEqual(readFileSync(join(folder, "image-1.png")), Buffer.from(encodePng(frame)));
  const prompt = readFileSync(join(folder, "prompt.md"), "utf8");
  assert.match(prompt, /## system\n\nYou write reward checks\./);
  assert.match(prompt, /## user\n\nWhat is the goal\?\n\n!\[image-1\.png\]\(image-1\.png\)/);
  assert.match(readFileSync(join(folder, "README.md"), "utf8"), /save its reply, verbatim, as reply\.md/);
  const entry = JSON.parse(readFileSync(join(dir, "transcript.jsonl"), "utf8").trim());
  assert.equal(entry.reply.text, reply.text);
  assert.equal(entry.reply.model, "gpt-4o-via-chat");
});

test("manual: a timeout names the reply file; a reply written later is picked up by the rerun", async (t) => {
  const dir = tempDir(t);
  const manualDir = join(dir, "manual");
  const make = () =>
    createVlmClient("manual:claude-in-browser", {
      env: {},
      transcript: join(dir, "transcript.jsonl"),
      manual: { dir: manualDir, pollMs: 20, timeoutMs: 150, onWaiting: () => {} },
    });
  const request = { messages: [{ role: "user" as const, content: ["Say hi"] }] };
  await assert.rejects(make().chat(request), (e: VlmError) => {
    assert.equal(e.kind, "manual-timeout");
    assert.ok(e.message.includes(join(manualDir, "request-1", "reply.md")), e.message);
    return true;
  });
  writeFileSync(join(manualDir, "request-1", "reply.txt"), "hi (written by the test)");
  const reply = await make().chat(request);
  assert.equal(reply.text, "hi (written by the test)");
  assert.deepEqual(readdirSync(manualDir), ["request-1"], "the same request reuses its folder");
  assert.ok(!existsSync(join(manualDir, "request-2")));
});

test("manual: the spec must name the answering model", () => {
  assert.throws(
    () => createVlmClient("manual:", { env: {}, transcript: "/nonexistent/never-written.jsonl" }),
    /names no model.*manual:gpt-4o-via-chat/,
  );
});
