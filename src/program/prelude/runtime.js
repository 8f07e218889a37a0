// The sandbox runtime: evaluated inside the isolate right after vision.js, never visible to generated code.
//
// Its value is a function that takes the prelude namespace and a private progress buffer and returns the
// runner API the host drives (sandbox.ts). Before any generated code runs it
//   1. removes what a deterministic, bounded check has no use for and could abuse: WebAssembly (memory
//      outside the heap limit), Atomics (wait/waitAsync block or abort the host), SharedArrayBuffer,
//      WeakRef / FinalizationRegistry (answers that depend on the garbage collector), Intl (reads the clock),
//      V8's console (an inspector channel), and replaces Date by a function that refuses to read the clock;
//   2. disables code generation from strings (eval, the Function constructors) and Math.random;
//   3. makes every global binding read-only and non-configurable, and installs the prelude functions the
//      same way: helper code can neither reassign `Math` or `Uint8Array` under the prelude nor shadow them
//      with a global `let` (a SyntaxError for non-configurable globals);
//   4. freezes every built-in object and prototype reachable from the global object.
// After the helpers ran, the host calls sealGlobals() to freeze the global object itself.
//
// Results go back to the host only as the return value of run() and progress(): fresh values that no
// generated code ever holds a reference to. Frames arrive through a SharedArrayBuffer the host writes; a
// check can reach it (frame.data.buffer) but the host never reads from it. The progress buffer (frame and
// check in progress) is held only by this closure: the host reads it after the isolate was killed for
// memory, as a hint of where the batch died, clamped to the batch.
(prelude, progressBuffer) => {
  const THREW = 1;
  const NON_BOOLEAN = 2;
  const VIOLATION = 3;
  const BAD_PROGRESS = 4;
  const MAX_TEXT = 600;

  // Bound now, before any generated code runs (the globals are locked below anyway).
  const { defineProperty, freeze, getOwnPropertyDescriptor, getPrototypeOf } = Object;
  const { ownKeys } = Reflect;
  const U8 = Uint8Array;
  const isView = ArrayBuffer.isView;
  const stringOf = String;
  const fromCharCode = String.fromCharCode;
  const isArray = Array.isArray;
  const F64 = Float64Array;
  const progress = new Int32Array(progressBuffer);

  class SandboxViolation extends Error {}
  const violationPrototype = SandboxViolation.prototype;
  freeze(SandboxViolation);
  freeze(violationPrototype);

  function forbidden(what) {
    return function forbiddenInSandbox() {
      throw new SandboxViolation(what);
    };
  }

  // 1. Away with what checks must not have.
  const sharedConstructor = SharedArrayBuffer;
  for (const name of [
    "WebAssembly",
    "Atomics",
    "SharedArrayBuffer",
    "WeakRef",
    "FinalizationRegistry",
    "Intl",
    "console",
  ])
    delete globalThis[name];
  const noClock = forbidden(
    "tried to read the clock (Date); checks must be deterministic functions of the frames",
  );
  for (const name of ["now", "parse", "UTC"]) noClock[name] = noClock;
  defineProperty(globalThis, "Date", { value: noClock, writable: true, configurable: true });
  // frame.data.buffer is a SharedArrayBuffer: its constructor would allocate outside the heap limit.
  defineProperty(sharedConstructor.prototype, "constructor", {
    value: forbidden("tried to allocate a SharedArrayBuffer, which is not allowed"),
    writable: false,
    configurable: false,
  });

  // 2. No code generation, no randomness.
  const noCodegen = forbidden(
    "tried to generate code from a string (eval / Function constructor), which is not allowed",
  );
  const codegenPrototypes = [
    Function.prototype,
    getPrototypeOf(async () => {}),
    getPrototypeOf(function* () {}),
    getPrototypeOf(async function* () {}),
  ];
  for (const proto of codegenPrototypes) {
    defineProperty(proto, "constructor", { value: noCodegen, writable: false, configurable: false });
  }
  noCodegen.prototype = Function.prototype; // keeps `f instanceof Function` working with the tamed global
  defineProperty(globalThis, "Function", { value: noCodegen, writable: true, configurable: true });
  defineProperty(globalThis, "eval", { value: noCodegen, writable: true, configurable: true });
  Math.random = forbidden("called Math.random; checks must be deterministic functions of the frames");

  // 3. Every global binding read-only and non-configurable; the prelude as more of them.
  for (const key of ownKeys(globalThis)) {
    const d = getOwnPropertyDescriptor(globalThis, key);
    if (d && "value" in d && d.configurable) {
      defineProperty(globalThis, key, { value: d.value, writable: false, configurable: false });
    }
  }
  for (const name of Object.keys(prelude)) {
    defineProperty(globalThis, name, {
      value: prelude[name],
      writable: false,
      enumerable: true,
      configurable: false,
    });
  }

  // 4. Freeze every intrinsic reachable from the global object (and the few reachable only from syntax).
  const frozen = new Set();
  function deepFreeze(value) {
    if ((typeof value !== "object" && typeof value !== "function") || value === null || frozen.has(value))
      return;
    if (isView(value)) return; // views with elements cannot be frozen; no intrinsic is one
    frozen.add(value);
    freeze(value);
    for (const key of ownKeys(value)) {
      const d = getOwnPropertyDescriptor(value, key);
      if (d === undefined) continue;
      if ("value" in d) deepFreeze(d.value);
      else {
        deepFreeze(d.get);
        deepFreeze(d.set);
      }
    }
    deepFreeze(getPrototypeOf(value));
  }
  const hiddenIntrinsics = [
    ...codegenPrototypes,
    sharedConstructor,
    getPrototypeOf([][Symbol.iterator]()),
    getPrototypeOf(new Map().entries()),
    getPrototypeOf(new Set().values()),
    getPrototypeOf(""[Symbol.iterator]()),
    getPrototypeOf("a".matchAll(/a/g)),
    getPrototypeOf((function* () {})()),
    getPrototypeOf((async function* () {})()),
    getPrototypeOf(Promise.resolve()),
  ];
  frozen.add(globalThis); // sealed later, after the helpers declared their globals
  for (const key of ownKeys(globalThis)) {
    const d = getOwnPropertyDescriptor(globalThis, key);
    if (d && "value" in d) deepFreeze(d.value);
  }
  for (const intrinsic of hiddenIntrinsics) deepFreeze(intrinsic);

  // ---- the runner ----

  let checks = [];
  // Progress terms by sub-task index (undefined where a sub-task has none); errors and the position of the
  // batch number them after the checks: term k is index checks.length + k.
  let terms = [];
  let hasTerms = false;
  let sab = null;
  let frameBytes = 0;
  let width = 0;
  let height = 0;
  let first = null;
  // The batch in progress, private to this closure: values so far and each check's first error.
  let batchValues = new U8(0);
  // Progress values, frame-major over the sub-tasks; NaN where a term did not run (or failed).
  let batchProgress = new F64(0);
  let batchErrors = [];
  let framesDone = 0;

  // Thrown or returned values are arbitrary (getters, proxies): reading them must never throw out of here.
  function safely(read, fallback) {
    try {
      return read();
    } catch {
      return fallback;
    }
  }

  function text(value) {
    return typeof value === "string" ? value.slice(0, MAX_TEXT) : "";
  }

  function describe(value) {
    if (value === undefined) return "undefined";
    if (value === null) return "null";
    if (typeof value === "number") return `the number ${value}`;
    if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
    if (typeof value === "object" && safely(() => typeof value.then === "function", false)) {
      return "a Promise (async functions are not allowed)";
    }
    if (safely(() => isArray(value), false)) return `an array of length ${safely(() => value.length, "?")}`;
    return `a value of type ${typeof value}`;
  }

  // The first stack position inside the author's code: "check-2.js:3:15" or "helpers.js:4:9".
  function locate(error) {
    const stack =
      error !== null && typeof error === "object" && typeof error.stack === "string" ? error.stack : "";
    const match = /(check-\d+\.js|progress-\d+\.js|helpers\.js):(\d+):(\d+)/.exec(stack);
    return match ? match[0] : "";
  }

  function record(check, frame, code, name, message, location) {
    const previous = batchErrors[check];
    if (previous !== undefined) {
      previous.count++;
      return;
    }
    batchErrors[check] = {
      check,
      count: 1,
      frame,
      code,
      name: text(name),
      message: text(message),
      location: text(location),
    };
  }

  function recordThrown(check, frame, error) {
    if (safely(() => getPrototypeOf(error) === violationPrototype, false)) {
      const message = safely(() => stringOf(error.message), "");
      record(
        check,
        frame,
        VIOLATION,
        "",
        message,
        safely(() => locate(error), ""),
      );
      return;
    }
    const isObject = error !== null && (typeof error === "object" || typeof error === "function");
    const name = safely(() => (isObject && typeof error.name === "string" ? error.name : ""), "");
    const message = safely(
      () => (isObject && typeof error.message === "string" ? error.message : stringOf(error)),
      "(an unprintable value)",
    );
    record(
      check,
      frame,
      THREW,
      name,
      message,
      safely(() => locate(error), ""),
    );
  }

  function frameAt(slot) {
    // The view itself stays writable and extensible (making it non-extensible costs 2 us a call); what a
    // check does to it changes only its own program's inputs, which the determinism probe looks for.
    return freeze({ width, height, data: new U8(sab, slot * frameBytes, frameBytes) });
  }

  // What the host reads: fresh objects, never seen by generated code.
  // A batch without errors (nearly all of them) comes back as a string, one character per value: copying a
  // string out of the isolate costs half of copying an object with a typed array (measured: 2.9 vs 6.1 us).
  function report(rows) {
    const size = rows * checks.length;
    if (batchErrors.length === 0 && framesDone === rows && !hasTerms) {
      let text = "";
      for (let at = 0; at < size; at += 4096)
        text += fromCharCode.apply(null, batchValues.subarray(at, Math.min(size, at + 4096)));
      return text;
    }
    const errors = [];
    for (const e of batchErrors) if (e !== undefined) errors.push({ ...e });
    const out = { done: framesDone, values: batchValues.slice(0, size), errors };
    if (hasTerms) out.progress = batchProgress.slice(0, rows * (checks.length - 1));
    return out;
  }

  // Runs progress term k on one frame and records its value (or why it has none).
  function runTerm(k, f, frame) {
    const index = checks.length + k;
    progress[1] = index;
    let result;
    try {
      result = terms[k](frame, first);
    } catch (error) {
      recordThrown(index, f, error);
      return;
    }
    if (typeof result === "number" && result >= 0 && result <= 1)
      batchProgress[f * (checks.length - 1) + k] = result;
    else record(index, f, BAD_PROGRESS, "", describe(result), "");
  }

  return freeze({
    setCheck(index, fn) {
      checks[index] = fn;
    },

    setCheckCount(n) {
      checks = new Array(n);
      terms = new Array(n - 1);
    },

    setTerm(index, fn) {
      terms[index] = fn;
      hasTerms = true;
    },

    sealGlobals() {
      freeze(globalThis);
    },

    configure(buffer, layout) {
      sab = buffer;
      width = layout.width;
      height = layout.height;
      frameBytes = width * height * 3;
      first = null;
    },

    // latchFrom < 0 runs every check on every frame. latchFrom = k >= 0 runs them in the tracker's order
    // instead: from check k on, each frame runs checks until one does not return true, and the next frame
    // starts where that left off; the checks it skips are marked not run (3). A check that cannot latch
    // yet does not change the reward, so training runs one check per frame instead of all of them.
    //
    // reverse runs every check from the last to the first: verification's determinism probe, because a
    // check whose answer depends on the checks run before it (state, a written frame) then answers otherwise.
    //
    // Progress terms: every frame runs every term after (reverse: before) the checks; in the tracker's order
    // only the term of the first sub-task not latched after the frame's checks runs (the one the reward
    // wrapper's potential reads). termOnly runs no check at all, only the term of sub-task latchFrom (the
    // reset frame, on which nothing latches).
    run(n, firstChanged, latchFrom, reverse, termOnly) {
      if (firstChanged || first === null) first = frameAt(0);
      const count = checks.length;
      const subtasks = count - 1;
      if (batchValues.length < n * count) batchValues = new U8(n * count);
      if (hasTerms && batchProgress.length < n * subtasks) batchProgress = new F64(n * subtasks);
      batchErrors = [];
      framesDone = 0;
      const lazy = latchFrom >= 0;
      let next = lazy ? latchFrom : 0;
      for (let f = 0; f < n; f++) {
        progress[0] = f;
        const frame = frameAt(f + 1);
        const row = f * count;
        if (lazy) batchValues.fill(3, row, row + count);
        if (hasTerms) batchProgress.fill(NaN, f * subtasks, (f + 1) * subtasks);
        if (hasTerms && !lazy && reverse)
          for (let k = subtasks - 1; k >= 0; k--) if (terms[k] !== undefined) runTerm(k, f, frame);
        for (let k = lazy ? next : 0; k < count && !termOnly; k++) {
          if (lazy && k !== next) break;
          const c = reverse ? count - 1 - k : k;
          progress[1] = c;
          // Called as a plain function: `this` is undefined in the check (strict mode), not the checks list.
          const check = checks[c];
          let v = 2;
          try {
            const result = check(frame, first);
            if (result === true) v = 1;
            else if (result === false) v = 0;
            else record(c, f, NON_BOOLEAN, "", describe(result), "");
          } catch (error) {
            recordThrown(c, f, error);
          }
          batchValues[row + c] = v;
          if (v === 1) next = c + 1;
        }
        if (hasTerms && !lazy && !reverse)
          for (let k = 0; k < subtasks; k++) if (terms[k] !== undefined) runTerm(k, f, frame);
        if (hasTerms && lazy && next < subtasks && terms[next] !== undefined) runTerm(next, f, frame);
        framesDone = f + 1;
      }
      return report(n);
    },

    // After the host stopped a run (time limit): how far it got, with the values of the frame in progress
    // up to the check that was running.
    progress() {
      return report(framesDone + 1);
    },
  });
};
