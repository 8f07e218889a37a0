#!/usr/bin/env node
/** The `vlmcar` command line: one subcommand per stage, and `run` that chains them. */
import { Command } from "commander";
import "../env/minigrid/index.ts";
import { configuredPlugins, importPlugins, PluginError } from "../env/plugins.ts";
import { versionLine } from "../experiments/version.ts";
import { commandRegistrars } from "./commands/index.ts";
import { UserError } from "./output.ts";

const program = new Command()
  .name("vlmcar")
  .description("Code as Reward: VLM-generated, verified reward programs for reinforcement learning")
  .version(versionLine(), "-V, --version", "print the version (and the git commit of a checkout)")
  .option(
    "--import <module>",
    "import a module first, e.g. one that registers a custom env and its expert (docs/PLUGINS.md); " +
      "repeatable; also read from VLMCAR_IMPORT and vlmcar.config.json",
    (value: string, previous: string[]) => [...previous, value],
    [] as string[],
  )
  .showHelpAfterError()
  .hook("preAction", async () => {
    try {
      await importPlugins([...configuredPlugins(), ...(program.opts().import as string[])]);
    } catch (error) {
      if (error instanceof PluginError) throw new UserError(error.message);
      throw error;
    }
  });
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
