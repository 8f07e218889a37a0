import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { blankLiterals, findForbidden } from "../../src/program/source.ts";

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
