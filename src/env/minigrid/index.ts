// MiniGrid: environments register themselves with the registry when this module is imported.
export * from "./constants.ts";
