/** Running the CLI as a user does, from the repository root, for the CLI tests. */
import { spawnSync } from "node:child_process";

/** `vlmcar <args>` in a child process; its exit status and output. */
export function vlmcar(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The JSON of the output's last line (what `--json` ends with). */
export const lastLine = (text: string) => JSON.parse(text.trim().split("\n").at(-1) ?? "null");
