/**
 * Plugins: user modules imported before a command runs, so that the envs and experts they register (with
 * `register` from `vlmcar/env`, `registerExpert` from `vlmcar/policies`) are known to every command.
 * docs/PLUGINS.md has the guide. Three ways to name them, all used together:
 *
 *   vlmcar --import ./my-env.mjs collect --env Corridor-v0 ...     (repeatable)
 *   VLMCAR_IMPORT=./my-env.mjs vlmcar collect ...                 (paths separated by the path delimiter)
 *   vlmcar.config.json in the current folder: { "import": ["./my-env.mjs"] }
 *
 * After loading, VLMCAR_IMPORT holds their absolute paths, so worker processes (which inherit the
 * environment) import the same modules.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const IMPORT_VARIABLE = "VLMCAR_IMPORT";
export const CONFIG_FILE = "vlmcar.config.json";

/** A plugin that cannot be found or fails while loading; the message names it and the cause. */
export class PluginError extends Error {
  override name = "PluginError";
}

const loaded = new Set<string>();

/** The plugin modules named by VLMCAR_IMPORT and vlmcar.config.json (in `cwd`), resolved to paths or names. */
export function configuredPlugins(cwd = process.cwd()): string[] {
  const fromVariable = (process.env[IMPORT_VARIABLE] ?? "")
    .split(delimiter)
    .filter((s) => s.trim() !== "")
    .map((s) => resolveSpecifier(s.trim(), cwd));
  const configPath = join(cwd, CONFIG_FILE);
  const fromConfig: string[] = [];
  if (existsSync(configPath)) {
    let config: unknown;
    try {
      config = JSON.parse(readFileSync(configPath, "utf8"));
    } catch (error) {
      throw new PluginError(`${configPath} is not valid JSON: ${(error as Error).message}`);
    }
    const list = (config as { import?: unknown })?.import ?? [];
    if (!Array.isArray(list) || !list.every((s) => typeof s === "string")) {
      throw new PluginError(`${configPath}: "import" must be a list of module paths, e.g. ["./my-env.mjs"]`);
    }
    for (const s of list) fromConfig.push(resolveSpecifier(s, dirname(configPath)));
  }
  return [...fromConfig, ...fromVariable];
}

/**
 * Imports each plugin once (relative paths from `cwd`), then records every loaded plugin in VLMCAR_IMPORT.
 * Returns the modules imported, in order.
 */
export async function importPlugins(specifiers: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const resolved = specifiers.map((s) => resolveSpecifier(s, cwd));
  for (const target of resolved) {
    if (loaded.has(target)) continue;
    if (isAbsolute(target) && !existsSync(target)) {
      throw new PluginError(`cannot import plugin ${target}: no such file`);
    }
    try {
      await import(isAbsolute(target) ? pathToFileURL(target).href : target);
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      throw new PluginError(`plugin ${target} failed to load: ${cause}`);
    }
    loaded.add(target);
  }
  process.env[IMPORT_VARIABLE] = [...loaded].join(delimiter);
  return resolved;
}

/**
 * A path relative to `base` becomes absolute (`examples/x.mjs` too, when that file exists: people type paths
 * without "./"); anything else is a package name, resolved from `base` when possible.
 */
function resolveSpecifier(specifier: string, base: string): string {
  if (specifier.startsWith("file:")) return fileURLToPath(specifier);
  if (specifier.startsWith(".") || isAbsolute(specifier) || existsSync(resolve(base, specifier))) {
    return resolve(base, specifier);
  }
  try {
    return createRequire(join(base, "noop.js")).resolve(specifier);
  } catch {
    return specifier; // left to import() (an ESM-only package), which names the problem if it fails
  }
}
