import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  blankLiterals,
  checkScript,
  findForbidden,
  MAX_CHECK_CHARS,
  MAX_HELPERS_CHARS,
  sourceTooLong,
} from "../../src/program/source.ts";

describe("findForbidden", () => {
  it("finds host names, imports, code generation and intrinsics", () => {
    assert.equal(findForbidden("(f) => process.exit()")?.name, "process");
    assert.equal(findForbidden("(f) => { const fs = require('fs'); }")?.name, "require");
    assert.equal(findForbidden("(f) => import('fs')")?.name, "import");
    assert.equal(
      findForbidden("(f) => this.constructor.constructor('return process')()")?.name,
      "constructor",
    );
    assert.equal(findForbidden("(f) => globalThis.x = 1")?.name, "globalThis");
    assert.equal(findForbidden("(f) => { Array.prototype.map = null; }")?.name, "prototype");
    assert.equal(findForbidden("(f) => eval('1')")?.name, "eval");
  });

  it("reports the line", () => {
    assert.equal(findForbidden("function c(frame, first) {\n  const a = 1;\n  return process;\n}")?.line, 3);
  });

  it("ignores names in comments, strings and regular expressions, and longer identifiers", () => {
    assert.equal(findForbidden("// process the frame\n(f) => f.width > 0"), undefined);
    assert.equal(findForbidden("/* require */ (f) => 'process' !== \"import\""), undefined);
    assert.equal(findForbidden("(f) => /process/.test('x')"), undefined);
    assert.equal(
      findForbidden("(f) => { const processed = 1, importance = 2; return processed < importance; }"),
      undefined,
    );
  });

  it("keeps line structure when blanking literals", () => {
    const code = "a('x\\'y')\n// c\nb";
    const blank = blankLiterals(code);
    assert.equal(blank.length, code.length);
    assert.equal(blank.split("\n").length, 3);
    assert.ok(!blank.includes("x"));
  });
});

describe("source validation is linear and bounded", () => {
  it("scans and wraps long runs of whitespace and slashes in linear time", { timeout: 60_000 }, () => {
    // The old scan was quadratic here: 160k spaces took 46 s. These are 10 times longer.
    const spaces = " ".repeat(1_600_000);
    assert.equal(findForbidden(`(f) => 1${spaces}/ 2${spaces}`), undefined);
    assert.equal(findForbidden(`(f) => ${"a /".repeat(300_000)} 1`), undefined);
    assert.equal(blankLiterals(`x = 1${spaces};`).length, spaces.length + 6);
    assert.ok(checkScript(`(f) => true${spaces};${spaces}`).endsWith("(f) => true\n); })()"));
  });

  it("still tells a regex after a keyword from a division", () => {
    assert.equal(findForbidden("(f) => { return /process/.test('x'); }"), undefined);
    assert.equal(findForbidden("(f) => { const a = 4, b = 2; return a / b / process; }")?.name, "process");
    assert.equal(findForbidden("(f) => { typeof /process/; return true; }"), undefined);
    assert.equal(
      findForbidden("(f) => { const returned = 4; return returned / 2 / process; }")?.name,
      "process",
    );
  });

  it("refuses a check or helpers over the size limit with a clear reason", () => {
    assert.equal(sourceTooLong("x".repeat(MAX_CHECK_CHARS), "check"), undefined);
    assert.match(
      sourceTooLong("x".repeat(MAX_CHECK_CHARS + 1), "check") ?? "",
      /20,001 characters long; the limit is 20,000/,
    );
    assert.equal(sourceTooLong("x".repeat(MAX_HELPERS_CHARS), "helpers"), undefined);
  });
});
