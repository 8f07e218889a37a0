export * from "./core.ts";
export * from "./registry.ts";
export * from "./spaces.ts";
export * from "./vector.ts";
