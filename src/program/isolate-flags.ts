/**
 * V8 settings for the sandbox's isolates.
 *
 * Optimised code compiled on a background thread (V8's default, "concurrent recompilation") is installed in an
 * isolated-vm isolate only long after it is ready: measured on the Panda reference program, the checks ran
 * unoptimised at ~600 µs a call for the first ~1,300 calls (about a second of CPU), then at ~55 µs; a PPO
 * bench's three updates never reached the fast phase. Compiling on the isolate's own thread installs the code at
 * once. V8 reads the flag when an isolate is created, so it is turned off only around `new ivm.Isolate` and
 * turned back on afterwards: the host's own isolate, and any created later, keep concurrent compilation.
 */
import v8 from "node:v8";
import type ivm from "isolated-vm";

/** Whether the user asked for synchronous compilation for the whole process (then it stays that way). */
const userDisabled = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].some(
  (a) => a === "--no-concurrent-recompilation" || a === "--no_concurrent_recompilation",
);

/** Creates an isolate that compiles optimised code on its own thread (see the file comment). */
export function createIsolate(make: () => ivm.Isolate): ivm.Isolate {
  v8.setFlagsFromString("--no-concurrent-recompilation");
  try {
    return make();
  } finally {
    if (!userDisabled) v8.setFlagsFromString("--concurrent-recompilation");
  }
}
