/** Reports: learning curves (SVG), the final-return table, cost figures and the HTML report. */
export * from "./cost.ts";
export * from "./curves.ts";
export * from "./examples.ts";
export * from "./report.ts";
export * from "./svg.ts";
