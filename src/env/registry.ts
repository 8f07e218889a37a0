/**
 * make(id, options) with the reference projects' ids, so users find what they know.
 * Env families register themselves (see src/env/index.ts); an unknown id names the closest known ones.
 */
import { type Env, EnvError } from "./core.ts";
import { processWide } from "./process-wide.ts";

export type EnvConstructor = (options: Record<string, unknown>) => Env<unknown, unknown>;

export interface EnvSpec {
  id: string;
  factory: EnvConstructor;
  /** Default constructor options, merged under the caller's. */
  kwargs?: Record<string, unknown>;
  description?: string;
  /**
   * The task in words for envs whose observations carry no mission (panda-gym's): what generation shows the VLM
   * as the task when `--task` is not given.
   */
  task?: string;
}

// Process-wide rather than module-wide: see process-wide.ts.
const specs = processWide("vlmcar.envs/1", () => new Map<string, EnvSpec>());

export function register(spec: EnvSpec): void {
  if (typeof spec?.id !== "string" || spec.id === "" || typeof spec.factory !== "function") {
    throw new EnvError("register(spec): spec needs an id (a string) and a factory ((options) => Env)");
  }
  if (specs.has(spec.id)) throw new EnvError(`env id ${spec.id} is registered twice`);
  specs.set(spec.id, spec);
}

/** Whether an id is registered. */
export function isRegistered(id: string): boolean {
  return specs.has(id);
}

/**
 * For vlmcar's own families: registers unless the id is taken. A second copy of vlmcar in the process (the
 * installed package imported by a plugin, beside the sources the CLI runs) registers the same families again.
 */
export function registerBuiltin(spec: EnvSpec): void {
  if (!specs.has(spec.id)) register(spec);
}

export function registeredIds(): string[] {
  return [...specs.keys()].sort();
}

export function envSpec(id: string): EnvSpec {
  const spec = specs.get(id);
  if (!spec) {
    const close = closestIds(id, 3);
    const hint = close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(", ")}?` : "";
    throw new EnvError(
      `unknown env id "${id}".${hint} Known ids: run \`vlmcar envs\` or call registeredIds().`,
    );
  }
  return spec;
}

export function make<Obs = unknown, Act = number>(
  id: string,
  options: Record<string, unknown> = {},
): Env<Obs, Act> {
  const spec = envSpec(id);
  return spec.factory({ ...spec.kwargs, ...options }) as unknown as Env<Obs, Act>;
}

/** Ids ranked by edit distance (case-insensitive), nearest first. */
export function closestIds(id: string, count: number): string[] {
  return closest(id, [...specs.keys()], count);
}

/** The `count` candidates nearest to `word` by edit distance (case-insensitive; containing it counts as near). */
export function closest(word: string, candidates: readonly string[], count: number): string[] {
  const q = word.toLowerCase();
  return candidates
    .map((k) => ({ k, d: editDistance(q, k.toLowerCase()) - (k.toLowerCase().includes(q) ? q.length : 0) }))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, count)
    .map((x) => x.k);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
