/**
 * A small SVG line plotter for learning curves: axes with "nice" ticks, one line per series, an optional
 * shaded band around each line (e.g. ± one standard error), and a legend. Output is a standalone SVG string
 * that can be written to a file or inlined in HTML.
 *
 * Each series is a `<g class="series" data-series="<label>">`, so scripts and tests can find it by name.
 */

export interface Point {
  x: number;
  y: number;
  /** The band around y at x (both or neither). */
  lo?: number;
  hi?: number;
}

export interface Series {
  /** Shown in the legend. */
  label: string;
  /** Names the series in the SVG (`data-series`); default the label. */
  key?: string;
  points: readonly Point[];
  color?: string;
}

export interface PlotOptions {
  title?: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Fixed y range; by default it covers the data (and bands), with y = 0 included. */
  yMin?: number;
  yMax?: number;
}

/** Okabe & Ito's colour-blind-safe palette. */
export const PALETTE = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#F0E442",
  "#000000",
];

const MARGIN = { left: 64, right: 20, top: 40, bottom: 52 };

export function linePlot(series: readonly Series[], options: PlotOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;

  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]);
  const xTicks = niceTicks(Math.min(0, ...xs), xs.length ? Math.max(...xs) : 1);
  const yTicks = niceTicks(
    options.yMin ?? Math.min(0, ...ys),
    options.yMax ?? (ys.length ? Math.max(...ys) : 1),
  );
  const [x0, x1] = [xTicks[0], xTicks[xTicks.length - 1]];
  const [y0, y1] = [options.yMin ?? yTicks[0], options.yMax ?? yTicks[yTicks.length - 1]];
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * plotW;
  // Values outside a fixed y range (a band below 0) are drawn at its edge rather than outside the axes.
  const sy = (y: number) =>
    MARGIN.top + plotH - ((Math.min(y1, Math.max(y0, y)) - y0) / (y1 - y0 || 1)) * plotH;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (options.title) {
    out.push(
      `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(options.title)}</text>`,
    );
  }

  // Grid lines and tick labels.
  out.push(`<g class="axes" stroke="#e5e5e5">`);
  for (const t of yTicks.filter((t) => t >= y0 && t <= y1)) {
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${r(sy(t))}" y2="${r(sy(t))}"/>`);
  }
  for (const t of xTicks) {
    out.push(`<line x1="${r(sx(t))}" x2="${r(sx(t))}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}"/>`);
  }
  out.push("</g>");
  out.push(`<g class="ticks" fill="#333">`);
  for (const t of yTicks.filter((t) => t >= y0 && t <= y1)) {
    out.push(`<text x="${MARGIN.left - 8}" y="${r(sy(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  for (const t of xTicks) {
    out.push(
      `<text x="${r(sx(t))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${formatTick(t)}</text>`,
    );
  }
  out.push("</g>");
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
  );
  out.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );

  // Bands first, so every line is drawn above every band.
  const colors = series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]);
  series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const banded = pts.filter((p) => p.lo !== undefined && p.hi !== undefined);
    out.push(`<g class="series" data-series="${escapeXml(s.key ?? s.label)}">`);
    if (banded.length >= 2) {
      const upper = banded.map((p) => `${r(sx(p.x))},${r(sy(p.hi as number))}`);
      const lower = banded.map((p) => `${r(sx(p.x))},${r(sy(p.lo as number))}`).reverse();
      out.push(
        `<polygon class="band" points="${[...upper, ...lower].join(" ")}" fill="${colors[i]}" fill-opacity="0.18"/>`,
      );
    }
    out.push("</g>");
  });
  series.forEach((s, i) => {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    out.push(
      `<g class="series-line" data-series="${escapeXml(s.key ?? s.label)}" stroke="${colors[i]}" fill="${colors[i]}">`,
    );
    if (pts.length >= 2) {
      const d = pts.map((p, k) => `${k ? "L" : "M"}${r(sx(p.x))},${r(sy(p.y))}`).join("");
      out.push(`<path d="${d}" fill="none" stroke-width="2"/>`);
    }
    for (const p of pts)
      out.push(`<circle cx="${r(sx(p.x))}" cy="${r(sy(p.y))}" r="${pts.length > 40 ? 1.5 : 2.5}"/>`);
    out.push("</g>");
  });

  // Legend, top left inside the plot, where learning curves start low.
  const legendW = Math.max(...series.map((s) => s.label.length), 4) * 7 + 36;
  const lx = MARGIN.left + 10;
  const ly = MARGIN.top + 10;
  if (series.length > 0) {
    out.push(`<g class="legend">`);
    out.push(
      `<rect x="${lx}" y="${ly}" width="${legendW}" height="${series.length * 18 + 8}" fill="#ffffff" fill-opacity="0.85" stroke="#ccc"/>`,
    );
    series.forEach((s, i) => {
      const y = ly + 14 + i * 18;
      out.push(
        `<line x1="${lx + 8}" x2="${lx + 28}" y1="${y - 4}" y2="${y - 4}" stroke="${colors[i]}" stroke-width="3"/>`,
      );
      out.push(`<text x="${lx + 34}" y="${y}">${escapeXml(s.label)}</text>`);
    });
    out.push("</g>");
  }
  out.push("</svg>");
  return out.join("\n");
}

/** About 5-8 round tick values (steps of 1, 2 or 5 × 10^k) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 6): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const start = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let t = start; t < hi + step - 1e-9 * step; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** 250000 → "250k", 1000000 → "1M", 0.25 → "0.25". */
export function formatTick(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function trim(value: number): string {
  return String(Number(value.toPrecision(6)));
}

function r(value: number): string {
  return value.toFixed(1);
}

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}
