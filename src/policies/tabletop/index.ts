/** Ravens' oracle and the paper's degraded demonstrators for the tabletop tasks. */
export { NoisyTabletopOracle, TabletopOracle, TabletopRandom, tabletopPolicy } from "./oracle.ts";
