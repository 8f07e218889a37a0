// The vision prelude: pixel-level helpers that reward checks call inside the sandbox.
//
// This file is evaluated inside the isolate (never in the host), as one expression whose value is the
// namespace of prelude functions; the runtime (runtime.js) installs each as a read-only global and then
// freezes every built-in, so generated code can neither replace these functions nor change what they compute.
// api.md documents the same functions for the VLM; keep the two in step (a test compares them).
//
// Conventions: a frame is { width, height, data: Uint8Array } RGB row-major (3 bytes per pixel); a colour is
// [r, g, b] with values 0..255; `tol` is the largest allowed difference per channel (0 = exact). Results that
// need a full pass over a frame are cached per frame object, because several checks read the same frame.
(() => {
  // ---- argument checks: messages name the function and the argument, because a VLM reads them ----

  function fail(fn, message) {
    throw new TypeError(`${fn}: ${message}`);
  }

  function show(value) {
    if (typeof value === "string") return JSON.stringify(value);
    if (Array.isArray(value))
      return `[${value.slice(0, 4).map(show).join(", ")}${value.length > 4 ? ", ..." : ""}]`;
    if (value && typeof value === "object") return "an object";
    return String(value);
  }

  function checkFrame(fn, frame, argName = "frame") {
    if (
      frame === null ||
      typeof frame !== "object" ||
      !(frame.data instanceof Uint8Array) ||
      frame.data.length !== frame.width * frame.height * 3
    ) {
      fail(
        fn,
        `${argName} must be a frame { width, height, data: Uint8Array of width*height*3 RGB bytes }, got ${show(frame)}`,
      );
    }
  }

  function checkColor(fn, color) {
    if (
      !Array.isArray(color) ||
      color.length !== 3 ||
      !(
        color[0] >= 0 &&
        color[0] <= 255 &&
        color[1] >= 0 &&
        color[1] <= 255 &&
        color[2] >= 0 &&
        color[2] <= 255
      )
    ) {
      fail(fn, `color must be [r, g, b] with numbers 0-255, got ${show(color)}`);
    }
  }

  function checkTol(fn, tol) {
    if (typeof tol !== "number" || !(tol >= 0)) fail(fn, `tol must be a number >= 0, got ${show(tol)}`);
  }

  function checkTile(fn, tile) {
    if (!Number.isInteger(tile) || tile < 1)
      fail(fn, `tile must be a positive integer (pixels per grid cell), got ${show(tile)}`);
  }

  function checkMask(fn, m) {
    if (
      m === null ||
      typeof m !== "object" ||
      !(m.data instanceof Uint8Array) ||
      m.data.length !== m.width * m.height
    ) {
      fail(fn, `expected a mask { width, height, data, count } from mask() or diffMask(), got ${show(m)}`);
    }
  }

  function checkCell(fn, frame, cx, cy, tile) {
    checkFrame(fn, frame);
    checkTile(fn, tile);
    const cols = Math.floor(frame.width / tile);
    const rows = Math.floor(frame.height / tile);
    if (!Number.isInteger(cx) || !Number.isInteger(cy) || cx < 0 || cy < 0 || cx >= cols || cy >= rows) {
      fail(fn, `cell (${show(cx)}, ${show(cy)}) is outside the ${cols}x${rows} grid of ${tile}-pixel tiles`);
    }
  }

  // ---- per-frame cache: frame object -> Map(key -> value); entries die with the frame ----

  const cache = new WeakMap();

  function cached(frame, key, compute) {
    let entries = cache.get(frame);
    if (entries === undefined) {
      entries = new Map();
      cache.set(frame, entries);
    }
    let value = entries.get(key);
    if (value === undefined) {
      value = compute();
      entries.set(key, value);
    }
    return value;
  }

  // Two-frame results (diffs) need an identity for the second frame.
  const ids = new WeakMap();
  let nextId = 1;
  function idOf(object) {
    let id = ids.get(object);
    if (id === undefined) {
      id = nextId++;
      ids.set(object, id);
    }
    return id;
  }

  function colorKey(color, tol) {
    return `${color[0]},${color[1]},${color[2]}~${tol}`;
  }

  // ---- pixels and colours ----

  function pixel(frame, x, y) {
    checkFrame("pixel", frame);
    if (
      !Number.isInteger(x) ||
      !Number.isInteger(y) ||
      x < 0 ||
      y < 0 ||
      x >= frame.width ||
      y >= frame.height
    ) {
      fail("pixel", `(${show(x)}, ${show(y)}) is outside the ${frame.width}x${frame.height} frame`);
    }
    const i = (y * frame.width + x) * 3;
    return [frame.data[i], frame.data[i + 1], frame.data[i + 2]];
  }

  function sameColor(a, b, tol = 0) {
    checkColor("sameColor", a);
    checkColor("sameColor", b);
    checkTol("sameColor", tol);
    return Math.abs(a[0] - b[0]) <= tol && Math.abs(a[1] - b[1]) <= tol && Math.abs(a[2] - b[2]) <= tol;
  }

  // Counts matching pixels in rows y0..y1-1 and columns x0..x1-1; the hot loop of most functions.
  function countIn(frame, color, tol, x0, y0, x1, y1) {
    const data = frame.data;
    const rl = color[0] - tol;
    const rh = color[0] + tol;
    const gl = color[1] - tol;
    const gh = color[1] + tol;
    const bl = color[2] - tol;
    const bh = color[2] + tol;
    let n = 0;
    for (let y = y0; y < y1; y++) {
      const end = (y * frame.width + x1) * 3;
      for (let i = (y * frame.width + x0) * 3; i < end; i += 3) {
        const r = data[i];
        if (r < rl || r > rh) continue;
        const g = data[i + 1];
        if (g < gl || g > gh) continue;
        const b = data[i + 2];
        if (b >= bl && b <= bh) n++;
      }
    }
    return n;
  }

  function countColor(frame, color, tol = 0) {
    checkFrame("countColor", frame);
    checkColor("countColor", color);
    checkTol("countColor", tol);
    return cached(frame, `count|${colorKey(color, tol)}`, () =>
      countIn(frame, color, tol, 0, 0, frame.width, frame.height),
    );
  }

  function hasColor(frame, color, tol = 0, minPixels = 1) {
    checkFrame("hasColor", frame);
    checkColor("hasColor", color);
    checkTol("hasColor", tol);
    return countColor(frame, color, tol) >= minPixels;
  }

  function computeMask(frame, color, tol) {
    const { width, height, data } = frame;
    const out = new Uint8Array(width * height);
    const rl = color[0] - tol;
    const rh = color[0] + tol;
    const gl = color[1] - tol;
    const gh = color[1] + tol;
    const bl = color[2] - tol;
    const bh = color[2] + tol;
    let count = 0;
    for (let p = 0, i = 0; p < out.length; p++, i += 3) {
      const r = data[i];
      if (r < rl || r > rh) continue;
      const g = data[i + 1];
      if (g < gl || g > gh) continue;
      const b = data[i + 2];
      if (b >= bl && b <= bh) {
        out[p] = 1;
        count++;
      }
    }
    return { width, height, data: out, count };
  }

  // Masks are cached, but a copy is returned: the caller may change its copy without affecting other checks.
  function copyMask(m) {
    return { width: m.width, height: m.height, data: m.data.slice(), count: m.count };
  }

  function mask(frame, color, tol = 0) {
    checkFrame("mask", frame);
    checkColor("mask", color);
    checkTol("mask", tol);
    return copyMask(cached(frame, `mask|${colorKey(color, tol)}`, () => computeMask(frame, color, tol)));
  }

  function computeDiff(a, b, tol) {
    const out = new Uint8Array(a.width * a.height);
    const da = a.data;
    const db = b.data;
    let count = 0;
    for (let p = 0, i = 0; p < out.length; p++, i += 3) {
      if (
        Math.abs(da[i] - db[i]) > tol ||
        Math.abs(da[i + 1] - db[i + 1]) > tol ||
        Math.abs(da[i + 2] - db[i + 2]) > tol
      ) {
        out[p] = 1;
        count++;
      }
    }
    return { width: a.width, height: a.height, data: out, count };
  }

  function diffArgs(fn, a, b, tol) {
    checkFrame(fn, a, "a");
    checkFrame(fn, b, "b");
    checkTol(fn, tol);
    if (a.width !== b.width || a.height !== b.height) {
      fail(fn, `frames differ in size (${a.width}x${a.height} and ${b.width}x${b.height})`);
    }
  }

  function diffMask(a, b, tol = 0) {
    diffArgs("diffMask", a, b, tol);
    return copyMask(cached(a, `diff|${idOf(b)}|${tol}`, () => computeDiff(a, b, tol)));
  }

  function diffCount(a, b, tol = 0) {
    diffArgs("diffCount", a, b, tol);
    return cached(a, `diff|${idOf(b)}|${tol}`, () => computeDiff(a, b, tol)).count;
  }

  // ---- masks and blobs ----

  function bbox(m) {
    checkMask("bbox", m);
    let x0 = m.width;
    let y0 = m.height;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0, p = 0; y < m.height; y++) {
      for (let x = 0; x < m.width; x++, p++) {
        if (m.data[p] === 0) continue;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
    return x1 < 0 ? null : { x0, y0, x1, y1 };
  }

  function centroid(m) {
    checkMask("centroid", m);
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (let y = 0, p = 0; y < m.height; y++) {
      for (let x = 0; x < m.width; x++, p++) {
        if (m.data[p] === 0) continue;
        sx += x;
        sy += y;
        n++;
      }
    }
    return n === 0 ? null : { x: sx / n, y: sy / n };
  }

  // 8-connected flood fill with an explicit stack: anti-aliased diagonal edges stay one blob.
  function computeComponents(m, minArea) {
    const { width, height, data } = m;
    const seen = new Uint8Array(width * height);
    const stack = new Int32Array(width * height);
    const out = [];
    for (let start = 0; start < data.length; start++) {
      if (data[start] === 0 || seen[start] === 1) continue;
      let top = 0;
      stack[top++] = start;
      seen[start] = 1;
      let area = 0;
      let sx = 0;
      let sy = 0;
      let x0 = width;
      let y0 = height;
      let x1 = -1;
      let y1 = -1;
      while (top > 0) {
        const p = stack[--top];
        const x = p % width;
        const y = (p - x) / width;
        area++;
        sx += x;
        sy += y;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
        for (let dy = -1; dy <= 1; dy++) {
          const ny = y + dy;
          if (ny < 0 || ny >= height) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const nx = x + dx;
            if (nx < 0 || nx >= width) continue;
            const q = ny * width + nx;
            if (data[q] !== 0 && seen[q] === 0) {
              seen[q] = 1;
              stack[top++] = q;
            }
          }
        }
      }
      if (area >= minArea) out.push({ area, x0, y0, x1, y1, cx: sx / area, cy: sy / area });
    }
    out.sort((a, b) => b.area - a.area || a.y0 - b.y0 || a.x0 - b.x0);
    return out;
  }

  function copyBlobs(list) {
    return list.map((b) => ({ area: b.area, x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1, cx: b.cx, cy: b.cy }));
  }

  function components(m, minArea = 1) {
    checkMask("components", m);
    if (typeof minArea !== "number") fail("components", `minArea must be a number, got ${show(minArea)}`);
    return computeComponents(m, minArea);
  }

  function blobs(frame, color, tol = 0, minArea = 1) {
    checkFrame("blobs", frame);
    checkColor("blobs", color);
    checkTol("blobs", tol);
    if (typeof minArea !== "number") fail("blobs", `minArea must be a number, got ${show(minArea)}`);
    const all = cached(frame, `blobs|${colorKey(color, tol)}`, () =>
      computeComponents(
        cached(frame, `mask|${colorKey(color, tol)}`, () => computeMask(frame, color, tol)),
        1,
      ),
    );
    return copyBlobs(all.filter((b) => b.area >= minArea));
  }

  function crop(frame, x, y, w, h) {
    checkFrame("crop", frame);
    const ints = [x, y, w, h].every((v) => Number.isInteger(v));
    if (!ints || x < 0 || y < 0 || w < 1 || h < 1 || x + w > frame.width || y + h > frame.height) {
      fail(
        "crop",
        `rectangle (${show(x)}, ${show(y)}, ${show(w)}x${show(h)}) is not inside the ${frame.width}x${frame.height} frame`,
      );
    }
    const data = new Uint8Array(w * h * 3);
    for (let row = 0; row < h; row++) {
      const from = ((y + row) * frame.width + x) * 3;
      data.set(frame.data.subarray(from, from + w * 3), row * w * 3);
    }
    return { width: w, height: h, data };
  }

  // ---- grid renders (MiniGrid-style tiles of `tile` x `tile` pixels) ----

  function gridSize(frame, tile) {
    checkFrame("gridSize", frame);
    checkTile("gridSize", tile);
    return { cols: Math.floor(frame.width / tile), rows: Math.floor(frame.height / tile) };
  }

  function cellOf(x, y, tile) {
    checkTile("cellOf", tile);
    if (typeof x !== "number" || typeof y !== "number" || !(x >= 0) || !(y >= 0)) {
      fail("cellOf", `x and y must be pixel coordinates >= 0, got (${show(x)}, ${show(y)})`);
    }
    return { cx: Math.floor(x / tile), cy: Math.floor(y / tile) };
  }

  function cellCenter(cx, cy, tile) {
    checkTile("cellCenter", tile);
    return { x: cx * tile + Math.floor(tile / 2), y: cy * tile + Math.floor(tile / 2) };
  }

  function cellCount(frame, cx, cy, tile, color, tol = 0) {
    checkCell("cellCount", frame, cx, cy, tile);
    checkColor("cellCount", color);
    checkTol("cellCount", tol);
    return countIn(frame, color, tol, cx * tile, cy * tile, cx * tile + tile, cy * tile + tile);
  }

  // Exact histogram of the cell's colours as [packed rgb, count] pairs, most frequent first.
  function cellHistogram(frame, cx, cy, tile) {
    return cached(frame, `hist|${tile}|${cx},${cy}`, () => {
      const counts = new Map();
      const data = frame.data;
      for (let y = cy * tile; y < cy * tile + tile; y++) {
        const end = (y * frame.width + cx * tile + tile) * 3;
        let last = -1;
        let run = 0;
        for (let i = (y * frame.width + cx * tile) * 3; i < end; i += 3) {
          const packed = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
          if (packed === last) {
            run++;
            continue;
          }
          if (run > 0) counts.set(last, (counts.get(last) ?? 0) + run);
          last = packed;
          run = 1;
        }
        if (run > 0) counts.set(last, (counts.get(last) ?? 0) + run);
      }
      return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    });
  }

  function unpack(packed) {
    return [(packed >> 16) & 255, (packed >> 8) & 255, packed & 255];
  }

  function cellColors(frame, cx, cy, tile) {
    checkCell("cellColors", frame, cx, cy, tile);
    return cellHistogram(frame, cx, cy, tile).map(([packed, count]) => ({ color: unpack(packed), count }));
  }

  function cellColor(frame, cx, cy, tile, ignore = []) {
    checkCell("cellColor", frame, cx, cy, tile);
    if (!Array.isArray(ignore))
      fail("cellColor", `ignore must be a list of [r, g, b] colours, got ${show(ignore)}`);
    for (const c of ignore) checkColor("cellColor", c);
    for (const [packed] of cellHistogram(frame, cx, cy, tile)) {
      const color = unpack(packed);
      if (!ignore.some((c) => c[0] === color[0] && c[1] === color[1] && c[2] === color[2])) return color;
    }
    return null;
  }

  // Per-cell counts of one colour, from one pass over the frame.
  function cellCounts(frame, color, tol, tile) {
    return cached(frame, `cells|${tile}|${colorKey(color, tol)}`, () => {
      const cols = Math.floor(frame.width / tile);
      const rows = Math.floor(frame.height / tile);
      const counts = new Int32Array(cols * rows);
      for (let cy = 0; cy < rows; cy++) {
        for (let cx = 0; cx < cols; cx++) {
          counts[cy * cols + cx] = countIn(
            frame,
            color,
            tol,
            cx * tile,
            cy * tile,
            cx * tile + tile,
            cy * tile + tile,
          );
        }
      }
      return counts;
    });
  }

  // findCells' answers per frame, by the values of the arguments: checks ask the same question of `first` on
  // every frame, and comparing six numbers is cheaper than building and hashing a cache key. Copies go out.
  const found = new WeakMap();
  const MAX_FOUND = 16;

  function copyCells(cells) {
    return cells.map((c) => ({ cx: c.cx, cy: c.cy, count: c.count }));
  }

  function findCells(frame, color, tol = 0, tile = 32, minFraction = 0.1) {
    checkFrame("findCells", frame);
    checkColor("findCells", color);
    checkTol("findCells", tol);
    checkTile("findCells", tile);
    if (typeof minFraction !== "number" || !(minFraction > 0 && minFraction <= 1)) {
      fail("findCells", `minFraction must be a number in (0, 1], got ${show(minFraction)}`);
    }
    const r = color[0];
    const g = color[1];
    const b = color[2];
    let entries = found.get(frame);
    if (entries === undefined) {
      entries = [];
      found.set(frame, entries);
    }
    for (const e of entries) {
      if (
        e.r === r &&
        e.g === g &&
        e.b === b &&
        e.tol === tol &&
        e.tile === tile &&
        e.minFraction === minFraction
      )
        return copyCells(e.cells);
    }
    const counts = cellCounts(frame, color, tol, tile);
    const cols = Math.floor(frame.width / tile);
    const need = minFraction * tile * tile;
    const out = [];
    for (let k = 0; k < counts.length; k++) {
      if (counts[k] >= need) out.push({ cx: k % cols, cy: Math.floor(k / cols), count: counts[k] });
    }
    if (entries.length < MAX_FOUND) entries.push({ r, g, b, tol, tile, minFraction, cells: copyCells(out) });
    return out;
  }

  return {
    pixel,
    sameColor,
    countColor,
    hasColor,
    mask,
    diffMask,
    diffCount,
    bbox,
    centroid,
    components,
    blobs,
    crop,
    gridSize,
    cellOf,
    cellCenter,
    cellCount,
    cellColor,
    cellColors,
    findCells,
  };
})();
