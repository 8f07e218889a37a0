/** The reward-ranking experiment (VLM-CaR Fig. 4): run, summarise, plot, write. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rankingSvg } from "./plot.ts";
import { formatRanking, type RankResult } from "./rank.ts";

export { rankingSvg } from "./plot.ts";
export * from "./rank.ts";
export * from "./stats.ts";

export interface RankPaths {
  results: string;
  plot: string;
  summary: string;
}

/** Writes results.json (everything, episodes included), rank.svg and summary.txt into `dir`. */
export function writeRanking(dir: string, result: RankResult): RankPaths {
  mkdirSync(dir, { recursive: true });
  const paths = {
    results: join(dir, "results.json"),
    plot: join(dir, "rank.svg"),
    summary: join(dir, "summary.txt"),
  };
  writeFileSync(paths.results, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(paths.plot, rankingSvg(result));
  writeFileSync(paths.summary, formatRanking(result));
  return paths;
}
