/**
 * The ranking experiment's figure, after VLM-CaR's Fig. 4: one bar per demonstrator (mean episode reward, a
 * whisker of ± one standard error), the program's reward on the left and the env's own on the right, so a
 * reader sees at once whether the program orders the demonstrators as the task does.
 *
 * Each bar is a `<g class="bar" data-panel="program|env" data-policy="<name>">` for scripts and tests.
 */
import { escapeXml, formatTick, niceTicks, PALETTE } from "../report/svg.ts";
import type { RankResult } from "./rank.ts";

const PANEL_W = 300;
const HEIGHT = 340;
const MARGIN = { left: 56, right: 16, top: 56, bottom: 64 };

/** The figure as a standalone SVG string. */
export function rankingSvg(result: RankResult): string {
  const panels = [
    {
      key: "program",
      title: `program reward (${result.config.rewardMode})`,
      bars: result.policies.map((p) => ({ policy: p.policy, ...p.program })),
    },
    {
      key: "env",
      title: "env reward",
      bars: result.policies.map((p) => ({ policy: p.policy, ...p.env })),
    },
  ];
  const width = panels.length * (PANEL_W + MARGIN.left + MARGIN.right);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${escapeXml(result.envId)}</text>`,
    `<text x="${width / 2}" y="36" text-anchor="middle" fill="#444">${escapeXml(subtitle(result))}</text>`,
  ];
  panels.forEach((panel, i) => {
    const x0 = i * (PANEL_W + MARGIN.left + MARGIN.right) + MARGIN.left;
    const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
    const highs = panel.bars.map((b) => b.mean + b.se);
    const lows = panel.bars.map((b) => b.mean - b.se);
    const ticks = niceTicks(Math.min(0, ...lows), Math.max(1e-9, ...highs), 5);
    const lo = ticks[0];
    const hi = ticks[ticks.length - 1];
    const y = (v: number) => MARGIN.top + plotH - ((v - lo) / (hi - lo || 1)) * plotH;
    out.push(`<g class="panel" data-panel="${panel.key}">`);
    out.push(
      `<text x="${x0 + PANEL_W / 2}" y="${MARGIN.top - 6}" text-anchor="middle">${escapeXml(panel.title)}</text>`,
    );
    for (const t of ticks) {
      out.push(
        `<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${r(y(t))}" y2="${r(y(t))}" stroke="#ddd"/>`,
        `<text x="${x0 - 6}" y="${r(y(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`,
      );
    }
    out.push(
      `<line x1="${x0}" x2="${x0}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
      `<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${r(y(0))}" y2="${r(y(0))}" stroke="#333"/>`,
    );
    const slot = PANEL_W / panel.bars.length;
    panel.bars.forEach((b, j) => {
      const cx = x0 + slot * (j + 0.5);
      const barW = slot * 0.6;
      const top = y(Math.max(0, b.mean));
      const bottom = y(Math.min(0, b.mean));
      const color = PALETTE[j % PALETTE.length];
      out.push(
        `<g class="bar" data-panel="${panel.key}" data-policy="${escapeXml(b.policy)}" data-mean="${b.mean}" data-se="${b.se}">`,
        `<rect x="${r(cx - barW / 2)}" y="${r(top)}" width="${r(barW)}" height="${r(Math.max(0.5, bottom - top))}" fill="${color}" fill-opacity="0.8"/>`,
        `<line x1="${r(cx)}" x2="${r(cx)}" y1="${r(y(b.mean - b.se))}" y2="${r(y(b.mean + b.se))}" stroke="#000"/>`,
        `<line x1="${r(cx - 6)}" x2="${r(cx + 6)}" y1="${r(y(b.mean - b.se))}" y2="${r(y(b.mean - b.se))}" stroke="#000"/>`,
        `<line x1="${r(cx - 6)}" x2="${r(cx + 6)}" y1="${r(y(b.mean + b.se))}" y2="${r(y(b.mean + b.se))}" stroke="#000"/>`,
        `<text x="${r(cx)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${escapeXml(b.policy)}</text>`,
        `<text x="${r(cx)}" y="${MARGIN.top + plotH + 34}" text-anchor="middle" fill="#444">${b.mean.toFixed(2)}±${b.se.toFixed(2)}</text>`,
        "</g>",
      );
    });
    out.push("</g>");
  });
  out.push("</svg>");
  return out.join("\n");
}

function subtitle(result: RankResult): string {
  const tau = result.kendall.tau;
  const order = result.order.program.strict ? "order correct" : "order NOT correct";
  return (
    `program ${result.program.hash.slice(0, 12)} (${result.program.source}), ${result.config.episodes} episodes per policy, ` +
    `mean ± SE; ${order}; Kendall τ-b vs env ${tau === null ? "undefined" : tau.toFixed(2)}`
  );
}

function r(v: number): string {
  return v.toFixed(1);
}
