import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { initJax } from "../../src/rl/device.ts";

// The WebAssembly names this test uses; the project's TypeScript lib (ES2023, node) does not declare them.
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => object;
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

/** A module that imports env.memory and exports one empty function named `name` (6 letters). */
function moduleExporting(name: string): object {
  const ascii = [...name].map((c) => c.charCodeAt(0));
  assert.equal(ascii.length, 6);
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type: () -> ()
    ...[0x02, 0x0f, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x00],
    ...[0x03, 0x02, 0x01, 0x00], // one function of type 0
    ...[0x07, 0x0a, 0x01, 0x06, ...ascii, 0x00, 0x00], // export it
    ...[0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b], // its empty body
  ];
  return new wasm.Module(Uint8Array.from(bytes));
}

describe("initJax", () => {
  it("reuses one instance per jax-js-shaped kernel and memory, and only for those", async () => {
    await initJax();
    await initJax(); // a second start does not wrap the constructor twice
    const kernel = moduleExporting("kernel");
    const memory = new wasm.Memory({ initial: 1 });
    const a = new wasm.Instance(kernel, { env: { memory } });
    assert.equal(new wasm.Instance(kernel, { env: { memory } }), a);
    assert.equal(typeof a.exports.kernel, "function");
    assert.ok(a instanceof wasm.Instance);
    // Another memory, or a module that is not shaped like a kernel, gets a fresh instance every time.
    assert.notEqual(new wasm.Instance(kernel, { env: { memory: new wasm.Memory({ initial: 1 }) } }), a);
    const other = moduleExporting("kernex");
    assert.notEqual(
      new wasm.Instance(other, { env: { memory } }),
      new wasm.Instance(other, { env: { memory } }),
    );
  });
});
