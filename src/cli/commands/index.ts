import type { Command } from "commander";
import { registerEnvs } from "./envs.ts";

/** Each command lives in its own file and registers itself here. */
export const commandRegistrars: ((program: Command) => void)[] = [registerEnvs];
