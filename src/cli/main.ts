#!/usr/bin/env node
/** The `vlmcar` command line: one subcommand per stage, and `run` that chains them. */
import { Command } from "commander";
import "../env/minigrid/index.ts";
import "../env/panda/index.ts";
import { commandRegistrars } from "./commands/index.ts";
import { UserError } from "./output.ts";

const program = new Command()
  .name("vlmcar")
  .description("Code as Reward: VLM-generated, verified reward programs for reinforcement learning")
  .showHelpAfterError();
for (const register of commandRegistrars) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof UserError) {
    process.stderr.write(`vlmcar: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
