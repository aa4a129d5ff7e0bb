import { escapeHtml } from './escape.js';

/** Width of the drawing area of every SVG chart (the viewBox scales it to the page). */
export const CHART_WIDTH = 960;

/** Tick positions and labels for a time axis from `from` to `to` (epoch ms): months, or years over long spans. */
export function dateTicks(from: number, to: number): { readonly ms: number; readonly label: string }[] {
  const span = to - from;
  const start = new Date(from);
  const ticks: { ms: number; label: string }[] = [];
  const yearly = span > 3 * 365 * 86_400_000;
  const step = yearly ? 12 : span > 400 * 86_400_000 ? 3 : 1;
  let y = start.getUTCFullYear();
  let m = yearly ? 0 : start.getUTCMonth();
  for (let i = 0; i < 200; i++) {
    const ms = Date.UTC(y, m, 1);
    if (ms > to) break;
    if (ms >= from) ticks.push({ ms, label: yearly || m === 0 ? String(y) : `${y}-${String(m + 1).padStart(2, '0')}` });
    m += step;
    while (m >= 12) {
      m -= 12;
      y += 1;
    }
  }
  return ticks;
}

/** An SVG chart in a figure, with its accessible name, caption and a data table behind it. */
export function figure(options: {
  readonly id: string;
  readonly caption: string;
  /** The text alternative: what the chart shows, in a sentence or two. */
  readonly summary: string;
  /** How many series (lanes, rows, bars) the chart draws: checked by the browser test. */
  readonly series: number;
  readonly width?: number;
  readonly height: number;
  readonly body: string;
  readonly table: string;
}): string {
  const width = options.width ?? CHART_WIDTH;
  return `<figure class="chart-figure" id="${escapeHtml(options.id)}">
<figcaption>${escapeHtml(options.caption)}</figcaption>
<svg class="chart svg-chart" data-series="${options.series}" viewBox="0 0 ${width} ${options.height}" width="100%" role="img" aria-label="${escapeHtml(options.summary)}" preserveAspectRatio="xMinYMin meet">
<title>${escapeHtml(options.summary)}</title>
${options.body}
</svg>
<details><summary>Data table: ${escapeHtml(options.caption)}</summary>${options.table}</details>
</figure>`;
}

/** An HTML table with escaped cells. */
export function htmlTable(header: readonly string[], rows: readonly (readonly unknown[])[], caption?: string): string {
  return `<table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<thead><tr>${header
    .map((h) => `<th scope="col">${escapeHtml(h)}</th>`)
    .join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}
