/**
 * Every case of a benchmark in a fresh process, so no case's figure depends on what ran before it (the JIT's
 * state, the heap's size, caches): the bench runs itself once per case as a child, with VLMCAR_BENCH_CASE set
 * to the case's name, and the child prints its result as one JSON line that the parent collects.
 *
 *   const results = measureCases(["a", "b"], (name) => ({ rate: time(name) }));
 *
 * In the child, `measureCases` measures its one case, prints it and exits; it never returns there.
 */
import { spawnSync } from "node:child_process";

const CASE_VARIABLE = "VLMCAR_BENCH_CASE";
const MARK = "vlmcar-bench-case:";

export function measureCases<R>(names: readonly string[], measure: (name: string) => R): Map<string, R> {
  const only = process.env[CASE_VARIABLE];
  if (only !== undefined) {
    if (!names.includes(only)) throw new Error(`unknown bench case ${only}; cases: ${names.join(", ")}`);
    process.stdout.write(`${MARK}${JSON.stringify(measure(only))}\n`);
    process.exit(0);
  }
  const results = new Map<string, R>();
  for (const name of names) {
    const child = spawnSync(
      process.execPath,
      ["--import", import.meta.resolve("tsx"), process.argv[1], ...process.argv.slice(2)],
      {
        env: { ...process.env, [CASE_VARIABLE]: name },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 64 << 20,
      },
    );
    const line = child.stdout.split("\n").find((l) => l.startsWith(MARK));
    if (child.status !== 0 || line === undefined) {
      throw new Error(`bench case ${name} failed (exit ${child.status}):\n${child.stdout}`);
    }
    results.set(name, JSON.parse(line.slice(MARK.length)) as R);
  }
  return results;
}
