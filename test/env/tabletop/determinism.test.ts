/** The same seed and actions give identical frames and states in two processes. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { tabletopRollout } from "./rollout-fixture.ts";

test("the same seed and oracle actions give identical frames in another process", () => {
  const here = tabletopRollout(4);
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "test/env/tabletop/rollout-fixture.ts", "4"],
    {
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout, here);
  assert.ok(here.split("\n").length >= 2);
  assert.notEqual(tabletopRollout(5), here, "another seed gives another episode");
});
