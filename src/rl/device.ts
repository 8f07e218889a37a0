/**
 * Starts jax-js once per process. Node 20 has no WebGPU, and jax-js's Wasm backend runs on the calling
 * thread there (its worker pool needs a global `Worker`, which Node lacks), so training uses one core.
 */
import { defaultDevice, init } from "@jax-js/jax";

let ready: Promise<void> | undefined;

export function initJax(): Promise<void> {
  ready ??= init("wasm").then((devices) => {
    if (!devices.includes("wasm"))
      throw new Error(`jax-js could not start its wasm backend (got ${devices.join(", ")})`);
    defaultDevice("wasm");
    reuseKernelInstances();
  });
  return ready;
}

/**
 * jax-js 0.1.25 runs every synchronous kernel launch through `new WebAssembly.Instance(module, { env: {
 * memory } })`: a fresh instance of an already compiled kernel, 8% of PPO's CPU time (see
 * docs/BENCHMARKS.md). Its kernels are stateless (they import one memory, export one function `kernel`, and
 * read and write only through the pointers they are given), so an instance per (module, memory) serves
 * every launch. This wraps the constructor to hand back that instance for such modules; any other module
 * gets a new instance as before. The backend keeps the instance private, so this is the one place to
 * hook in without patching the package.
 */
function reuseKernelInstances(): void {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const Native = wasm.Instance;
  if (reusing.has(Native)) return;
  const isKernel = new WeakMap<object, boolean>();
  const cached = new WeakMap<object, { memory: object; instance: object }>();
  const proxy: InstanceConstructor = new Proxy(Native, {
    construct(target, args, newTarget): object {
      const [module, imports] = args as [object, { env?: { memory?: unknown } } | undefined];
      const memory = imports?.env?.memory;
      const plain = newTarget === proxy;
      if (!plain || !(memory instanceof wasm.Memory) || !statelessKernel(wasm, module, isKernel))
        return Reflect.construct(target, args, plain ? target : newTarget);
      const hit = cached.get(module);
      if (hit !== undefined && hit.memory === memory) return hit.instance;
      const instance = new target(module, imports);
      cached.set(module, { memory, instance });
      return instance;
    },
  });
  reusing.add(proxy);
  wasm.Instance = proxy;
}

/** The constructors this module installed, so a second call does not wrap its own wrapper. */
const reusing = new WeakSet<object>();

// The few WebAssembly names used here: this project's TypeScript lib (ES2023, node) does not declare them.
type InstanceConstructor = new (module: object, imports?: object) => object;
interface ModuleDescriptor {
  module?: string;
  name: string;
  kind: string;
}
interface WasmApi {
  Instance: InstanceConstructor;
  Memory: abstract new (...args: never[]) => object;
  Module: { imports(m: object): ModuleDescriptor[]; exports(m: object): ModuleDescriptor[] };
}

/** A module shaped like a jax-js kernel: imports only `env.memory`, exports only the function `kernel`. */
function statelessKernel(wasm: WasmApi, module: object, memo: WeakMap<object, boolean>): boolean {
  let known = memo.get(module);
  if (known === undefined) {
    const imports = wasm.Module.imports(module);
    const exports = wasm.Module.exports(module);
    known =
      imports.length === 1 &&
      imports[0].module === "env" &&
      imports[0].name === "memory" &&
      imports[0].kind === "memory" &&
      exports.length === 1 &&
      exports[0].name === "kernel" &&
      exports[0].kind === "function";
    memo.set(module, known);
  }
  return known;
}
