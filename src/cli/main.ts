#!/usr/bin/env node
/**
 * The `vlmcar` command line: one subcommand per stage, and `run` that chains them.
 *
 * Exit codes (README, "Exit codes"): 0 done; 1 a negative verdict or a failed run; 2 a usage or input error
 * (the message says what to change); 3 an internal error, printed with its stack trace and where to report it.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import "../env/minigrid/index.ts";
import "../env/panda/index.ts";
import "../env/tabletop/index.ts";
import { configuredPlugins, importPlugins, PluginError } from "../env/plugins.ts";
import { versionLine } from "../experiments/version.ts";
import { commandRegistrars } from "./commands/index.ts";
import { asUserError, EXIT, UserError } from "./output.ts";

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
  // Commander's own errors (unknown option, missing argument) end in a CommanderError instead of exit(1).
  .exitOverride()
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
} catch (thrown) {
  const err = asUserError(thrown);
  if (err instanceof CommanderError) {
    // Commander has printed the message (and help) already.
    const done =
      err.code === "commander.helpDisplayed" || err.code === "commander.help" || err.exitCode === 0;
    process.exit(done ? EXIT.done : EXIT.usage);
  }
  if (err instanceof UserError) {
    process.stderr.write(`vlmcar: ${err.message}\n`);
    process.exit(EXIT.usage);
  }
  process.stderr.write(
    `vlmcar: internal error. This is a bug in vlmcar, not in what you asked; please report it${whereToReport()} ` +
      `with the command you ran and this output:\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(EXIT.internal);
}

/** The issue tracker from package.json (bugs.url, or the repository), when it names one. */
function whereToReport(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      bugs?: string | { url?: string };
      repository?: string | { url?: string };
    };
    const bugs = typeof pkg.bugs === "string" ? pkg.bugs : pkg.bugs?.url;
    const repo = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
    const url = bugs ?? (repo ? `${repo.replace(/^git\+/, "").replace(/\.git$/, "")}/issues` : undefined);
    return url ? ` at ${url}` : " to the vlmcar maintainers (the project's issue tracker)";
  } catch {
    return " to the vlmcar maintainers (the project's issue tracker)";
  }
}
