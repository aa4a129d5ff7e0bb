import type { QcFinding } from '@framewise/core/qc';
import { escapeHtml, jsonForScript, num } from '../escape.js';
import type { ReportQc } from '../model.js';
import { CHART_WIDTH, figure, htmlTable } from '../svg.js';

/** At most this many points per loudness series are drawn (longer series are thinned evenly). */
const MAX_POINTS = 20_000;

const thin = (series: readonly (readonly [number, number])[]) => {
  const step = Math.max(1, Math.ceil(series.length / MAX_POINTS));
  return series.filter((_, i) => i % step === 0);
};

/** LUFS below this are drawn as gaps (silence reads as −70 or −∞). */
const FLOOR = -70;
const lufs = (v: number | undefined) => (v === undefined || !Number.isFinite(v) || v <= FLOOR ? null : v);

const SEVERITY_COLOUR: Readonly<Record<string, string>> = { fail: '#c0392b', warn: '#d68910', info: '#2e86c1' };

/** The category a rule belongs to, for the timeline's lanes. */
function lane(rule: string): string {
  return rule.split('.').slice(0, 2).join('.');
}

function findingsTimeline(id: string, qc: ReportQc): string {
  const r = qc.report;
  const total = Math.max(1, r.durationFrames);
  const lanes = [...new Set(r.findings.map((f) => lane(f.rule)))].sort();
  const laneH = 26;
  const left = 150;
  const width = CHART_WIDTH - left - 10;
  const height = 30 + lanes.length * laneH + 24;
  const x = (frame: number) => left + (Math.min(Math.max(frame, 0), total) / total) * width;
  const fps = r.rate.num / r.rate.den;
  const ticks = Array.from({ length: 6 }, (_, i) => Math.round((total * i) / 5));
  const body = [
    ...ticks.map(
      (f) =>
        `<line x1="${x(f)}" x2="${x(f)}" y1="20" y2="${height - 20}" class="grid"/><text x="${x(f)}" y="${height - 6}" class="tick" text-anchor="middle">${num(f / fps, 1)} s</text>`,
    ),
    ...lanes.map((name, i) => {
      const y = 24 + i * laneH;
      const marks = r.findings
        .filter((f) => lane(f.rule) === name)
        .map((f: QcFinding) => {
          const w = Math.max(3, x(f.start + f.duration) - x(f.start));
          const label = `${f.rule} ${f.severity} ${f.timecodeIn}–${f.timecodeOut}${f.track ? ` ${f.track}` : ''}: ${f.message}`;
          return `<rect x="${x(f.start)}" y="${y + 3}" width="${w}" height="${laneH - 8}" fill="${SEVERITY_COLOUR[f.severity] ?? '#555'}" opacity="0.85"><title>${escapeHtml(label)}</title></rect>`;
        })
        .join('');
      return `<g class="series" data-name="${escapeHtml(name)}"><text x="${left - 8}" y="${y + laneH / 2 + 4}" text-anchor="end" class="label">${escapeHtml(name)}</text><line x1="${left}" x2="${left + width}" y1="${y + laneH - 2}" y2="${y + laneH - 2}" class="lane"/>${marks}</g>`;
    }),
  ].join('\n');
  return figure({
    id,
    caption: `Findings on the timeline (${r.findings.length})`,
    summary: `${r.findings.length} findings in ${lanes.length} categories over ${num(total / fps, 1)} s: ${lanes.join(', ')}`,
    series: lanes.length,
    height,
    body,
    table: htmlTable(
      ['rule', 'severity', 'in', 'out', 'frames', 'track', 'finding'],
      r.findings.map((f) => [f.rule, f.severity, f.timecodeIn, f.timecodeOut, f.duration, f.track ?? '', f.message]),
    ),
  });
}

function loudnessChart(id: string, qc: ReportQc, index: number): string {
  const l = qc.report.loudness[index];
  if (l === undefined) return '';
  const momentary = thin(l.momentary);
  const shortTerm = thin(l.shortTerm);
  // One x axis: the momentary times (short-term is measured at the same 100 ms steps).
  const byTime = new Map<number, number>();
  for (const [t, v] of shortTerm) byTime.set(Math.round(t * 10), v);
  const x = momentary.map(([t]) => t);
  const data = {
    x,
    momentary: momentary.map(([, v]) => lufs(v)),
    shortTerm: momentary.map(([t]) => lufs(byTime.get(Math.round(t * 10)))),
    target: qc.target ?? null,
    label: l.track,
  };
  const t = qc.target;
  const series = t === undefined ? 2 : 5;
  const rows: unknown[][] = [];
  const step = Math.max(1, Math.ceil(x.length / 600));
  for (let i = 0; i < x.length; i += step)
    rows.push([num(x[i], 1), num(data.momentary[i] ?? undefined, 1), num(data.shortTerm[i] ?? undefined, 1)]);
  const summary = `Loudness of ${l.track} over ${num(x[x.length - 1] ?? 0, 1)} s: integrated ${num(l.integrated)} LUFS, range ${num(l.range)} LU, true peak ${num(l.truePeak)} dBTP${
    t ? `; target ${t.integrated} LUFS ± ${t.tolerance} LU, true peak at most ${t.truePeakMax} dBTP (${t.name})` : ''
  }`;
  return `<figure class="chart-figure" id="${escapeHtml(id)}">
<figcaption>Loudness over time, ${escapeHtml(l.track)}${l.layout ? ` (${escapeHtml(l.layout)})` : ''}: momentary and short-term${t ? ', target and tolerance band' : ''}</figcaption>
<p class="sr-summary">${escapeHtml(summary)}</p>
<div class="chart uplot-chart" role="img" aria-label="${escapeHtml(summary)}" data-series="${series}" data-uplot="${escapeHtml(id)}-data"></div>
<script type="application/json" id="${escapeHtml(id)}-data">${jsonForScript(data)}</script>
<details><summary>Data table: loudness of ${escapeHtml(l.track)}${step > 1 ? ` (every ${step}th point)` : ''}</summary>${htmlTable(['seconds', 'momentary LUFS', 'short-term LUFS'], rows)}</details>
</figure>`;
}

/** The QC section: per report, verdict, loudness table and charts, findings timeline and table. */
export function qcSection(items: readonly ReportQc[]): string {
  if (items.length === 0) return '<p>No QC report for this version.</p>';
  return items
    .map((qc, n) => {
      const r = qc.report;
      const fps = r.rate.num / r.rate.den;
      const head = `<h3>${escapeHtml(r.file.split('/').pop() ?? r.file)} <span class="badge ${escapeHtml(r.verdict)}">${escapeHtml(r.verdict.toUpperCase())}</span></h3>
<p>Policy <strong>${escapeHtml(r.policy.name)}</strong> v${escapeHtml(r.policy.version)}${r.order ? `, order ${escapeHtml(r.order)}` : ''}; checked ${escapeHtml(r.checkedAt)}; ${escapeHtml(`${r.rate.num}/${r.rate.den}`)} fps from ${escapeHtml(r.startTimecode)}, ${escapeHtml(r.durationFrames)} frames (${num(r.durationFrames / fps, 2)} s); ${r.rules.length} rules, ${r.findings.length} findings.</p>`;
      const loudnessTable = htmlTable(
        ['programme', 'layout', 'integrated LUFS', 'range LU', 'true peak dBTP', 'target'],
        r.loudness.map((l) => [
          l.track,
          l.layout ?? '',
          num(l.integrated),
          num(l.range),
          num(l.truePeak),
          qc.target ? `${qc.target.integrated} ± ${qc.target.tolerance} LUFS, ≤ ${qc.target.truePeakMax} dBTP` : '',
        ]),
        'Loudness per programme',
      );
      const ranges = r.findings.filter((f) => /black|freeze|level|gamut|silence/.test(f.rule));
      const rangesTable =
        ranges.length === 0
          ? '<p>No level, black, freeze or silence ranges.</p>'
          : htmlTable(
              ['rule', 'in', 'out', 'frames', 'track', 'finding'],
              ranges.map((f) => [f.rule, f.timecodeIn, f.timecodeOut, f.duration, f.track ?? '', f.message]),
              'Level, black, freeze and silence ranges',
            );
      return `<article class="qc">${head}${loudnessTable}${r.loudness.map((_, i) => loudnessChart(`qc${n}-loudness${i}`, qc, i)).join('')}${
        r.findings.length > 0 ? findingsTimeline(`qc${n}-findings`, qc) : '<p>No findings.</p>'
      }${rangesTable}</article>`;
    })
    .join('\n');
}
