/**
 * Runs `updates` PPO updates and times them by the wall clock and by this process's CPU time (user + system,
 * every thread): on a machine shared with other jobs the CPU figure is closer to what one free core gives.
 */
export function timeUpdates<S>(
  step: () => S,
  updates: number,
): { rows: S[]; seconds: number; cpuSeconds: number } {
  const rows: S[] = [];
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < updates; i++) rows.push(step());
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { rows, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
