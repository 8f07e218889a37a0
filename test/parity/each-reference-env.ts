/**
 * Registers one test per env in the Farama reference data, or, without the data, one skipped test that says
 * where to put it: parity tests then skip rather than fail on a checkout without the shared folder.
 */
import { test } from "node:test";
import { hasReference, referenceDir, referenceEnvIds } from "../env/minigrid/reference-data.ts";

export function testEachReferenceEnv(title: (id: string) => string, check: (id: string) => void): void {
  if (!hasReference()) {
    test("Farama reference data", {
      skip: `no meta.json in ${referenceDir()}; set MINIGRID_REFERENCE to the data folder`,
    }, () => {});
    return;
  }
  for (const id of referenceEnvIds()) test(title(id), () => check(id));
}
