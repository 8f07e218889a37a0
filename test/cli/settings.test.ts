import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../src/cli/output.ts";
import { parsePpoSettings } from "../../src/cli/settings.ts";

test("--set takes the continuous PPO's settings too, a list as comma-separated numbers", () => {
  assert.deepEqual(
    parsePpoSettings([
      "ppo.numMinibatches=16",
      "ppo.hidden=64,64",
      "ppo.normalizeReturns=false",
      "ppo.initLogStd=-0.5",
    ]),
    { numMinibatches: 16, hidden: [64, 64], normalizeReturns: false, initLogStd: -0.5 },
  );
  assert.throws(() => parsePpoSettings(["ppo.hidden=64,x"]), UserError);
});
