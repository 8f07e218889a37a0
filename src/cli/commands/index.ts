import type { Command } from "commander";
import { registerCollect } from "./collect.ts";
import { registerDemo } from "./demo.ts";
import { registerEnvs } from "./envs.ts";
import { registerExperiment } from "./experiment.ts";
import { registerGenerate } from "./generate.ts";
import { registerQueue } from "./queue.ts";
import { registerRank } from "./rank.ts";
import { registerReport } from "./report.ts";
import { registerRun } from "./run.ts";
import { registerTrain } from "./train.ts";
import { registerVerify } from "./verify.ts";
import { registerWorker } from "./worker.ts";

/** Each command lives in its own file and registers itself here. */
export const commandRegistrars: ((program: Command) => void)[] = [
  registerDemo,
  registerEnvs,
  registerTrain,
  registerExperiment,
  registerWorker,
  registerQueue,
  registerReport,
  registerGenerate,
  registerVerify,
  registerCollect,
  registerRank,
  registerRun,
];
