import { escapeHtml } from '../escape.js';
import type { ReportDistribution } from '../model.js';
import { CHART_WIDTH, figure, htmlTable } from '../svg.js';

const STATE_COLOUR: Readonly<Record<string, string>> = {
  pending: '#bdc3c7',
  queued: '#85c1e9',
  submitting: '#5dade2',
  processing: '#3498db',
  live: '#27ae60',
  updating: '#58d68d',
  removing: '#f0b27a',
  removed: '#7f8c8d',
  'error-submit': '#c0392b',
  'error-update': '#c0392b',
  'error-remove': '#922b21',
  parked: '#f4d03f',
};

/** The distribution section: one lane per endpoint, coloured by state over time, and the state history. */
export function distributionSection(records: readonly ReportDistribution[] | undefined, now: string): string {
  if (records === undefined || records.length === 0) return '<p>No distribution records for this asset.</p>';
  const times = records.flatMap((r) => r.history.map((h) => Date.parse(h.at)));
  const nowMs = Date.parse(now);
  const from = Math.min(...times, nowMs);
  const to = Math.max(...times, nowMs) + 1;
  const left = 150;
  const width = CHART_WIDTH - left - 10;
  const rowH = 24;
  const height = 20 + records.length * rowH + 26;
  const x = (ms: number) => left + ((ms - from) / (to - from)) * width;
  const body = [
    ...records.map((r, i) => {
      const y = 14 + i * rowH;
      const steps = [...r.history].sort((a, b) => a.at.localeCompare(b.at));
      const segments = steps
        .map((h, k) => {
          const start = Date.parse(h.at);
          const end = k + 1 < steps.length ? Date.parse(steps[k + 1]?.at ?? h.at) : to;
          return `<rect x="${x(start)}" y="${y + 3}" width="${Math.max(2, x(end) - x(start))}" height="${rowH - 6}" fill="${STATE_COLOUR[h.to] ?? '#999'}"><title>${escapeHtml(`${r.endpointId}: ${h.from} → ${h.to} at ${h.at} (${h.event})${h.note ? `: ${h.note}` : ''}`)}</title></rect>`;
        })
        .join('');
      return `<g class="series"><text x="${left - 8}" y="${y + rowH / 2 + 4}" text-anchor="end" class="label">${escapeHtml(r.endpointId)}</text>${segments}</g>`;
    }),
    `<text x="${left}" y="${height - 6}" class="tick">${escapeHtml(new Date(from).toISOString().slice(0, 16))}</text><text x="${left + width}" y="${height - 6}" class="tick" text-anchor="end">${escapeHtml(new Date(to).toISOString().slice(0, 16))}</text>`,
  ].join('\n');
  const chart = figure({
    id: 'distribution-states',
    caption: 'Distribution state over time, per endpoint',
    summary: `${records.length} endpoints: ${records.map((r) => `${r.endpointId} ${r.state}`).join(', ')}`,
    series: records.length,
    height,
    body,
    table: htmlTable(
      ['endpoint', 'when', 'from', 'to', 'event', 'note'],
      records.flatMap((r) => r.history.map((h) => [r.endpointId, h.at, h.from, h.to, h.event, h.note ?? ''])),
    ),
  });
  const summary = htmlTable(
    ['endpoint', 'state', 'version', 'sunrise', 'sunset', 'last error'],
    records.map((r) => [
      r.endpointId,
      r.state,
      r.versionId,
      r.sunrise ?? '',
      r.sunset ?? '',
      r.lastError ? `${r.lastError.code}: ${r.lastError.message}` : '',
    ]),
    'Distribution records',
  );
  return `${summary}${chart}`;
}
