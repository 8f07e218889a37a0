import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { errorSummary, progressView } from "../../src/experiments/progress.ts";

test("a failed run's console line shows the problem, not only the line announcing it", () => {
  const error =
    'the reward program has 1 problem:\n- [syntax] Check "half" is not valid JavaScript: Unexpected end of input\n    at x (y.ts:1:1)';
  assert.equal(
    errorSummary(error),
    'the reward program has 1 problem:\n- [syntax] Check "half" is not valid JavaScript: Unexpected end of input',
  );
  assert.equal(errorSummary("RunFolderError: taken\n    at a (b.ts:1:1)"), "RunFolderError: taken");

  const stream = new PassThrough();
  let text = "";
  stream.on("data", (d: Buffer) => {
    text += d.toString();
  });
  const view = progressView(stream as unknown as NodeJS.WriteStream);
  view.onEvent({ type: "failed", runId: "r1", error });
  view.onEvent({ type: "warning", message: "the program p.json was written for A, and is used here on B" });
  view.stop();
  assert.match(text, /FAILED r1: the reward program has 1 problem:\n- \[syntax\] Check "half"/);
  assert.match(text, /warning: the program p\.json was written for A/);
});
