import { createHash } from 'node:crypto';
import { uplotAssets } from './assets.js';
import { escapeHtml } from './escape.js';
import type { ReportData } from './model.js';
import { archiveSection } from './sections/archive.js';
import { distributionSection } from './sections/distribution.js';
import { qcSection } from './sections/qc.js';
import { rightsSection } from './sections/rights.js';

/** Draws every loudness chart from its JSON data with uPlot (inlined above it). */
const INIT = `(() => {
  const charts = [];
  for (const el of document.querySelectorAll('[data-uplot]')) {
    const source = document.getElementById(el.dataset.uplot);
    const d = JSON.parse(source.textContent);
    const t = d.target;
    const series = [
      { label: 'seconds' },
      { label: 'momentary', stroke: '#85c1e9', width: 1, spanGaps: false },
      { label: 'short-term', stroke: '#1a5276', width: 2, spanGaps: false },
    ];
    const data = [d.x, d.momentary, d.shortTerm];
    const bands = [];
    if (t) {
      series.push({ label: 'target ' + t.integrated + ' LUFS', stroke: '#1e8449', width: 1.5, dash: [6, 4] });
      series.push({ label: '+' + t.tolerance + ' LU', stroke: '#82e0aa', width: 1 });
      series.push({ label: '-' + t.tolerance + ' LU', stroke: '#82e0aa', width: 1 });
      data.push(d.x.map(() => t.integrated), d.x.map(() => t.integrated + t.tolerance), d.x.map(() => t.integrated - t.tolerance));
      bands.push({ series: [4, 5], fill: 'rgba(39, 174, 96, 0.15)' });
    }
    const width = Math.max(320, Math.min(el.clientWidth || 900, 1100));
    const chart = new uPlot({
      width,
      height: 280,
      series,
      bands,
      scales: {
        x: { time: false },
        y: { range: (u, min, max) => [Math.max(-60, Math.min(min ?? -40, t ? t.integrated - 12 : -40)), Math.max(max ?? -10, t ? t.integrated + 6 : -10) + 1] },
      },
      axes: [{ label: 'seconds from the first frame' }, { label: 'LUFS' }],
    }, data, el);
    charts.push(chart);
  }
  window.framewiseCharts = charts;
})();`;

const STYLE = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1c2833; background: #fbfcfc; }
body { max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem 4rem; line-height: 1.45; }
header { border-bottom: 3px solid #1a5276; margin-bottom: 1rem; }
h1 { margin: 0.2rem 0; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #d5d8dc; } h3 { margin-bottom: 0.3rem; }
nav a { margin-right: 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.88rem; }
caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
th, td { border: 1px solid #d5d8dc; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eaf2f8; }
.badge { font-size: 0.8rem; padding: 0.1rem 0.5rem; border-radius: 0.3rem; color: #fff; vertical-align: middle; }
.badge.pass { background: #1e8449; } .badge.warn { background: #b9770e; } .badge.fail { background: #c0392b; }
figure { margin: 1rem 0; } figcaption { font-weight: 600; margin-bottom: 0.3rem; }
.svg-chart { background: #fff; border: 1px solid #e5e8e8; max-width: 100%; height: auto; }
.svg-chart .label, .svg-chart .tick { font-size: 11px; fill: #34495e; }
.svg-chart .grid { stroke: #eaeded; } .svg-chart .lane { stroke: #f2f3f4; }
.svg-chart .now { stroke: #c0392b; stroke-width: 2; } .svg-chart .now-label { font-size: 11px; fill: #c0392b; }
.svg-chart .transition.open { fill: #145a32; } .svg-chart .transition.close { fill: #922b21; }
.svg-chart .bar { fill: #2e86c1; } .svg-chart .bar.corrupt, .svg-chart .bar.missing { fill: #c0392b; }
.legend .key { display: inline-block; width: 1.6em; height: 0.8em; vertical-align: middle; border: 1px solid #aaa; }
.legend .key.available { background: #27ae60; } .legend .key.exclusive { background: #145a32; }
.legend .key.holdback { background: repeating-linear-gradient(45deg, #c0392b 0 3px, #f5b7b1 3px 7px); }
.legend .key.blocked { background: #7f8c8d; } .legend .key.now { background: #c0392b; width: 3px; }
.sr-summary { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
.uplot-chart { min-height: 300px; }
details { margin: 0.3rem 0 1rem; } summary { cursor: pointer; color: #1a5276; }
footer { margin-top: 3rem; font-size: 0.8rem; color: #7f8c8d; }
@media print { details { display: none; } }
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Render the report of one asset version as one self-contained HTML page: QC (loudness over time
 * with the target band, true peak, findings on a timeline, level/black/freeze ranges), the rights
 * availability timeline, distribution records with their state history, and archive placement
 * with fixity age. Charts are drawn by uPlot (inlined) and inline SVG; each has a text
 * alternative and a data table behind it. Every string from the data is HTML-escaped, the data
 * of the charts is JSON that cannot close its element, and a Content-Security-Policy allows no
 * network access and only the page's own scripts (by hash).
 */
export function renderReportHtml(data: ReportData): string {
  const now = data.now ?? data.generatedAt;
  const hasCharts = (data.qc ?? []).some((q) => q.report.loudness.length > 0);
  const { script, style } = hasCharts ? uplotAssets() : { script: '', style: '' };
  const scripts = hasCharts ? [script, INIT] : [];
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    'img-src data:',
    `script-src ${scripts.length > 0 ? scripts.map(sha256).join(' ') : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const subtitle = [
    `asset ${data.assetId}`,
    data.versionId === undefined
      ? undefined
      : `version ${data.versionName ? `${data.versionName} (${data.versionId})` : data.versionId}`,
    `generated ${data.generatedAt}`,
  ]
    .filter(Boolean)
    .join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Framewise">
<title>${escapeHtml(`${data.title} — Framewise report`)}</title>
<style>${style}${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p>${escapeHtml(subtitle)}</p>
<nav aria-label="Sections"><a href="#qc">QC</a><a href="#rights">Rights</a><a href="#distribution">Distribution</a><a href="#archive">Archive</a></nav>
</header>
<main>
<section id="qc" aria-labelledby="qc-h"><h2 id="qc-h">QC and loudness</h2>${qcSection(data.qc ?? [])}</section>
<section id="rights" aria-labelledby="rights-h"><h2 id="rights-h">Rights availability</h2>${rightsSection(data.rights, now)}</section>
<section id="distribution" aria-labelledby="distribution-h"><h2 id="distribution-h">Distribution</h2>${distributionSection(data.distribution, now)}</section>
<section id="archive" aria-labelledby="archive-h"><h2 id="archive-h">Archive placement</h2>${archiveSection(data.archive, now)}</section>
</main>
<footer>Framewise report. Self-contained: no network access; charts by uPlot (MIT) and inline SVG.</footer>
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body>
</html>
`;
}
