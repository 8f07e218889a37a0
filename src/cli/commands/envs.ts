import type { Command } from "commander";
import { registeredIds } from "../../env/registry.ts";
import { CommandOutput } from "../output.ts";

export function registerEnvs(program: Command): void {
  program
    .command("envs")
    .description("list the registered environment ids")
    .option("--json", "end with one JSON line")
    .action((opts: { json?: boolean }) => {
      const out = new CommandOutput(opts);
      const ids = registeredIds();
      for (const id of ids) out.say(id);
      out.result({ envs: ids });
    });
}
