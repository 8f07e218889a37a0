// The sandbox runtime: evaluated inside the isolate right after vision.js, never visible to generated code.
//
// Its value is a function that takes the prelude namespace and returns the runner API the host drives
// (sandbox.ts). Before any generated code runs it
//   1. installs the prelude functions as read-only, non-configurable globals (they cannot be replaced or
//      shadowed by a global declaration),
//   2. disables code generation from strings (eval, the Function constructors) and Math.random (checks must
//      be deterministic), and
//   3. freezes every built-in object and prototype reachable from the global object, so prototype pollution
//      throws instead of changing what the prelude or other checks compute.
// After the helpers ran, the host calls sealGlobals() to freeze the global object itself.
//
// Frames and results live in one SharedArrayBuffer shared with the host: the host writes a batch of frames,
// calls run(n), and reads the results (and, after a timeout or out-of-memory kill, how far the batch got)
// straight from shared memory. Layout (offsets in bytes, chosen by the host):
//   header      Int32[4]                 completed frames, frame in progress, check in progress, unused
//   errInts     Int32[checks * 6]        per check: error count, first frame, code, name/message/location lengths
//   errChars    Uint16[checks * 600]     per check: name + message + location of its first error
//   values      Uint8[capacity * checks] frame-major: 0 false, 1 true, 2 error
//   frames      capacity + 1 RGB frames  slot 0 is `first`, slots 1.. the batch
(prelude) => {
  const ERR_INTS = 6;
  const ERR_CHARS = 600;
  const THREW = 1;
  const NON_BOOLEAN = 2;
  const VIOLATION = 3;

  class SandboxViolation extends Error {}

  function forbidden(what) {
    return function forbiddenInSandbox() {
      throw new SandboxViolation(what);
    };
  }

  // 1. The prelude as read-only globals.
  for (const name of Object.keys(prelude)) {
    Object.defineProperty(globalThis, name, {
      value: prelude[name],
      writable: false,
      enumerable: true,
      configurable: false,
    });
  }

  // 2. No code generation, no randomness.
  const noCodegen = forbidden(
    "tried to generate code from a string (eval / Function constructor), which is not allowed",
  );
  const codegenPrototypes = [
    Function.prototype,
    Object.getPrototypeOf(async () => {}),
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function* () {}),
  ];
  for (const proto of codegenPrototypes) {
    Object.defineProperty(proto, "constructor", { value: noCodegen, writable: false, configurable: false });
  }
  noCodegen.prototype = Function.prototype; // keeps `f instanceof Function` working with the tamed global
  Object.defineProperty(globalThis, "Function", { value: noCodegen, writable: false, configurable: false });
  Object.defineProperty(globalThis, "eval", { value: noCodegen, writable: false, configurable: false });
  Math.random = forbidden("called Math.random; checks must be deterministic functions of the frames");

  // 3. Freeze every intrinsic reachable from the global object (and the few reachable only from syntax).
  const frozen = new Set();
  function deepFreeze(value) {
    if ((typeof value !== "object" && typeof value !== "function") || value === null || frozen.has(value))
      return;
    if (ArrayBuffer.isView(value)) return; // views with elements cannot be frozen; no intrinsic is one
    frozen.add(value);
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, key);
      if (d === undefined) continue;
      if ("value" in d) deepFreeze(d.value);
      else {
        deepFreeze(d.get);
        deepFreeze(d.set);
      }
    }
    deepFreeze(Object.getPrototypeOf(value));
  }
  const hiddenIntrinsics = [
    ...codegenPrototypes,
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(new Map().entries()),
    Object.getPrototypeOf(new Set().values()),
    Object.getPrototypeOf(""[Symbol.iterator]()),
    Object.getPrototypeOf("a".matchAll(/a/g)),
    Object.getPrototypeOf((function* () {})()),
    Object.getPrototypeOf((async function* () {})()),
  ];
  frozen.add(globalThis); // sealed later, after the helpers declared their globals
  for (const key of Reflect.ownKeys(globalThis)) {
    const d = Object.getOwnPropertyDescriptor(globalThis, key);
    if (d && "value" in d) deepFreeze(d.value);
  }
  for (const intrinsic of hiddenIntrinsics) deepFreeze(intrinsic);

  // ---- the runner ----

  let checks = [];
  let header = null;
  let errInts = null;
  let errChars = null;
  let values = null;
  let sab = null;
  let framesOffset = 0;
  let frameBytes = 0;
  let width = 0;
  let height = 0;
  let first = null;
  let errorsRecorded = true;

  // Thrown or returned values are arbitrary: reading them must never throw out of the runner.
  function safely(read, fallback) {
    try {
      return read();
    } catch {
      return fallback;
    }
  }

  function describe(value) {
    if (value === undefined) return "undefined";
    if (value === null) return "null";
    if (typeof value === "number") return `the number ${value}`;
    if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
    if (typeof value === "object" && safely(() => typeof value.then === "function", false)) {
      return "a Promise (async functions are not allowed)";
    }
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    return `a value of type ${typeof value}`;
  }

  // The first stack position inside the author's code: "check-2.js:3:15" or "helpers.js:4:9".
  function locate(error) {
    const stack =
      error !== null && typeof error === "object" && typeof error.stack === "string" ? error.stack : "";
    const match = /(check-\d+\.js|helpers\.js):(\d+):(\d+)/.exec(stack);
    return match ? match[0] : "";
  }

  function writeText(base, text, at) {
    const n = Math.min(text.length, ERR_CHARS - at);
    for (let k = 0; k < n; k++) errChars[base + at + k] = text.charCodeAt(k);
    return n;
  }

  function record(check, frame, code, name, message, location) {
    errorsRecorded = true;
    const slot = check * ERR_INTS;
    if (errInts[slot]++ > 0) return;
    errInts[slot + 1] = frame;
    errInts[slot + 2] = code;
    const base = check * ERR_CHARS;
    const nameLen = writeText(base, name, 0);
    const messageLen = writeText(base, message, nameLen);
    errInts[slot + 3] = nameLen;
    errInts[slot + 4] = messageLen;
    errInts[slot + 5] = writeText(base, location, nameLen + messageLen);
  }

  function frameAt(slot) {
    return Object.freeze({
      width,
      height,
      data: new Uint8Array(sab, framesOffset + slot * frameBytes, frameBytes),
    });
  }

  return Object.freeze({
    setCheck(index, fn) {
      checks[index] = fn;
    },

    setCheckCount(n) {
      checks = new Array(n);
    },

    sealGlobals() {
      Object.freeze(globalThis);
    },

    configure(buffer, layout) {
      sab = buffer;
      header = new Int32Array(buffer, 0, 4);
      errInts = new Int32Array(buffer, layout.errInts, checks.length * ERR_INTS);
      errChars = new Uint16Array(buffer, layout.errChars, checks.length * ERR_CHARS);
      values = new Uint8Array(buffer, layout.values, layout.capacity * checks.length);
      framesOffset = layout.frames;
      width = layout.width;
      height = layout.height;
      frameBytes = width * height * 3;
      first = null;
      errorsRecorded = true;
    },

    // latchFrom < 0 runs every check on every frame. latchFrom = k >= 0 runs them in the tracker's order
    // instead: from check k on, each frame runs checks until one does not return true, and the next frame
    // starts where that left off; the checks it skips are marked not run (3). A check that cannot latch
    // yet does not change the reward, so training runs one check per frame instead of all of them.
    run(n, firstChanged, latchFrom) {
      if (firstChanged || first === null) first = frameAt(0);
      if (errorsRecorded) errInts.fill(0); // most batches have no errors: skip the shared-memory writes
      errorsRecorded = false;
      header[0] = 0;
      const count = checks.length;
      const lazy = latchFrom >= 0;
      let next = lazy ? latchFrom : 0;
      for (let f = 0; f < n; f++) {
        header[1] = f;
        const frame = frameAt(f + 1);
        const row = f * count;
        if (lazy) values.fill(3, row, row + count);
        for (let c = lazy ? next : 0; c < count; c++) {
          if (lazy && c !== next) break;
          header[2] = c;
          let v = 2;
          try {
            const result = checks[c](frame, first);
            if (result === true) v = 1;
            else if (result === false) v = 0;
            else record(c, f, NON_BOOLEAN, "", describe(result), "");
          } catch (error) {
            if (error instanceof SandboxViolation) record(c, f, VIOLATION, "", error.message, locate(error));
            else {
              const isError = error !== null && typeof error === "object";
              const name = safely(() => (isError && typeof error.name === "string" ? error.name : ""), "");
              const message = safely(
                () => (isError && typeof error.message === "string" ? error.message : String(error)),
                "(an unprintable value)",
              );
              record(
                c,
                f,
                THREW,
                name,
                message,
                safely(() => locate(error), ""),
              );
            }
          }
          values[row + c] = v;
          if (v === 1) next = c + 1;
        }
        header[0] = f + 1;
      }
    },
  });
};
