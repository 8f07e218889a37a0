/** vlmcar's public API. */
export * from "./env/index.ts";
export * from "./image/frame.ts";
export * from "./image/png.ts";
