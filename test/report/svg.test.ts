import assert from "node:assert/strict";
import { test } from "node:test";
import { formatTick, linePlot, niceTicks } from "../../src/report/svg.ts";

test("ticks are round numbers covering the range", () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 100_000), [0, 20_000, 40_000, 60_000, 80_000, 100_000]);
  const ticks = niceTicks(0, 1_000_352);
  assert.equal(ticks[0], 0);
  assert.ok(ticks[ticks.length - 1] >= 1_000_352);
  assert.deepEqual(niceTicks(5, 5).length > 1, true, "an empty range still gets an axis");
});

test("tick labels are short", () => {
  assert.equal(formatTick(250_000), "250k");
  assert.equal(formatTick(1_000_000), "1M");
  assert.equal(formatTick(0.25), "0.25");
  assert.equal(formatTick(2000), "2000");
});

test("a plot has one named group per series, bands, a legend, and escapes text", () => {
  const svg = linePlot(
    [
      {
        label: "sparse (3 seeds)",
        key: "sparse",
        points: [
          { x: 0, y: 0, lo: 0, hi: 0.1 },
          { x: 10, y: 0.5, lo: 0.4, hi: 0.6 },
        ],
      },
      {
        label: "vlmcar <code>",
        points: [
          { x: 0, y: 0.1 },
          { x: 10, y: 0.9 },
        ],
      },
    ],
    { title: "A & B", xLabel: "frames", yLabel: "return", yMin: 0, yMax: 1 },
  );
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>$/);
  assert.match(svg, /data-series="sparse"/);
  assert.match(svg, /data-series="vlmcar &lt;code&gt;"/);
  assert.equal((svg.match(/class="band"/g) ?? []).length, 1, "only the series with lo/hi gets a band");
  assert.match(svg, /A &amp; B/);
  assert.match(svg, /sparse \(3 seeds\)/);
  assert.equal((svg.match(/<path /g) ?? []).length, 2);
});

test("values outside a fixed range are drawn on its edge", () => {
  const svg = linePlot(
    [
      {
        label: "s",
        points: [
          { x: 0, y: 0, lo: -5, hi: 5 },
          { x: 1, y: 0, lo: -5, hi: 5 },
        ],
      },
    ],
    {
      xLabel: "x",
      yLabel: "y",
      yMin: 0,
      yMax: 1,
      height: 400,
    },
  );
  const ys = [...svg.matchAll(/points="([^"]+)"/g)].flatMap((m) =>
    m[1].split(" ").map((p) => Number(p.split(",")[1])),
  );
  for (const y of ys) assert.ok(y >= 40 && y <= 348, `band y ${y} inside the plot area`);
});
