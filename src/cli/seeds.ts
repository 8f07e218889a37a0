/**
 * `--seeds`, one meaning in every command (and the same as a spec's `seeds`): a count N means seeds 0…N-1; a
 * list names the seeds, with ranges: "0,3,5", "3-5", and "7," for seed 7 alone.
 */
import { UserError } from "./output.ts";

export const SEEDS_HELP = 'N: the N seeds 0…N-1; or a list: "0,3,5", a range "3-5", "7," for seed 7 alone';

export function parseSeeds(text: string, flag = "--seeds"): number[] {
  const trimmed = text.trim();
  const bad = (why: string) => new UserError(`${flag} ${why}, got "${text}" (${SEEDS_HELP})`);
  if (/^\d+$/.test(trimmed)) {
    const count = Number(trimmed);
    if (count < 1) throw bad("as a count must be at least 1");
    return Array.from({ length: count }, (_, i) => i);
  }
  const seeds: number[] = [];
  for (const part of trimmed.split(",").map((s) => s.trim())) {
    if (part === "") continue;
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from) throw bad(`has a range that runs backwards (${part})`);
      for (let s = from; s <= to; s++) seeds.push(s);
    } else if (/^\d+$/.test(part)) {
      seeds.push(Number(part));
    } else {
      throw bad(`has "${part}", which is neither a seed nor a range`);
    }
  }
  if (seeds.length === 0) throw bad("names no seed");
  if (new Set(seeds).size !== seeds.length) throw bad("names a seed twice");
  if (!seeds.every(Number.isSafeInteger)) throw bad("has a seed too large");
  return seeds;
}
