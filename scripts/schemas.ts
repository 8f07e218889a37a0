/**
 * JSON Schemas for the files people write by hand, generated from the zod schemas that validate them, so
 * an editor can complete and check them (`"$schema": "../docs/schemas/experiment-spec.schema.json"`).
 *
 *   npm run schemas        rewrites docs/schemas/*.schema.json
 *
 * test/scripts/schemas.test.ts fails when a checked-in schema differs from what this would write.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { experimentSpecSchema } from "../src/experiments/spec.ts";
import { programSchema } from "../src/program/program.ts";

export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "schemas");

const SCHEMAS = [
  {
    file: "experiment-spec.schema.json",
    title: "vlmcar experiment spec",
    description:
      "An experiment: env ids × reward settings × seeds, trained with PPO (`vlmcar experiment --spec FILE`). " +
      "Omitted PPO settings take PPO_DEFAULTS (src/rl/ppo.ts).",
    schema: experimentSpecSchema,
  },
  {
    file: "reward-program.schema.json",
    title: "vlmcar reward program",
    description:
      "A reward program: ordered sub-tasks and a goal, each a JavaScript check `(frame, first) => boolean` run " +
      "in the sandbox (src/program/prelude/api.md), and where the program came from.",
    schema: programSchema,
  },
] as const;

/** File name → the schema's JSON text, as it is checked in. */
export function schemaFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const { file, title, description, schema } of SCHEMAS) {
    // "input": what a person writes (fields with defaults are optional), not what parsing returns.
    const json = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
    const { $schema, properties, ...rest } = json;
    // A file may name its schema ("$schema": "...") for its editor; the parsers accept and ignore that key.
    const withSelf = {
      $schema: { type: "string", description: "this file's JSON Schema" },
      ...(properties as object),
    };
    const ordered = {
      $schema,
      $id: `https://vlmcar.dev/schemas/${file}`,
      title,
      description,
      ...rest,
      properties: withSelf,
    };
    files[file] = `${JSON.stringify(ordered, null, 2)}\n`;
  }
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(SCHEMA_DIR, { recursive: true });
  for (const [file, text] of Object.entries(schemaFiles())) {
    writeFileSync(join(SCHEMA_DIR, file), text);
    console.log(`wrote ${join("docs", "schemas", file)}`);
  }
}
