/** The pipeline: every stage chained into the main job (`vlmcar run`), and the zoo of recorded generations. */
export * from "./main-job.ts";
export * from "./zoo.ts";
