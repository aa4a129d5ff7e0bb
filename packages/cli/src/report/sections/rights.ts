import { escapeHtml } from '../escape.js';
import type { ReportRights, RightsSpanState } from '../model.js';
import { CHART_WIDTH, dateTicks, figure, htmlTable } from '../svg.js';

const FILL: Readonly<Record<RightsSpanState, string>> = {
  available: '#27ae60',
  exclusive: '#145a32',
  holdback: 'url(#holdback)',
  blocked: '#7f8c8d',
  unavailable: 'none',
};

const LABEL: Readonly<Record<RightsSpanState, string>> = {
  available: 'available',
  exclusive: 'available, exclusive',
  holdback: 'held back',
  blocked: 'sold exclusively elsewhere',
  unavailable: 'no rights',
};

/** The rights section: a territory × license type Gantt with holdbacks, exclusivity, the now line and transitions. */
export function rightsSection(rights: ReportRights | undefined, now: string): string {
  if (rights === undefined) return '<p>No rights document given for this report.</p>';
  const from = Date.parse(rights.from);
  const to = Date.parse(rights.to);
  const left = 130;
  const rowH = 22;
  const width = CHART_WIDTH - left - 10;
  const top = 26;
  const height = top + rights.rows.length * rowH + 30;
  const x = (ms: number) => left + ((Math.min(Math.max(ms, from), to) - from) / (to - from)) * width;
  const nowMs = Date.parse(now);
  const ticks = dateTicks(from, to);
  const body = [
    `<defs><pattern id="holdback" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#f5b7b1"/><line x1="0" y1="0" x2="0" y2="8" stroke="#c0392b" stroke-width="4"/></pattern></defs>`,
    ...ticks.map(
      (t) =>
        `<line x1="${x(t.ms)}" x2="${x(t.ms)}" y1="${top - 4}" y2="${height - 24}" class="grid"/><text x="${x(t.ms)}" y="${height - 10}" class="tick" text-anchor="middle">${escapeHtml(t.label)}</text>`,
    ),
    ...rights.rows.map((row, i) => {
      const y = top + i * rowH;
      const spans = row.spans
        .filter((s) => s.state !== 'unavailable')
        .map((s) => {
          const x1 = x(Date.parse(s.start));
          const w = Math.max(1, x(Date.parse(s.end)) - x1);
          const label = `${row.territory} ${row.channel}: ${LABEL[s.state]} ${s.start.slice(0, 10)} – ${s.end.slice(0, 10)}${s.rules.length ? ` (${s.rules.join(', ')})` : ''}`;
          return `<rect class="span ${s.state}" x="${x1}" y="${y + 3}" width="${w}" height="${rowH - 6}" fill="${FILL[s.state]}"><title>${escapeHtml(label)}</title></rect>`;
        })
        .join('');
      const marks = rights.transitions
        .filter((t) => t.territory === row.territory && t.channel === row.channel)
        .map((t) => {
          const tx = x(Date.parse(t.at));
          const points =
            t.change === 'open'
              ? `${tx},${y + rowH - 2} ${tx - 4},${y + rowH + 4} ${tx + 4},${y + rowH + 4}`
              : `${tx},${y + 2} ${tx - 4},${y - 4} ${tx + 4},${y - 4}`;
          return `<polygon class="transition ${t.change}" points="${points}"><title>${escapeHtml(`${t.change === 'open' ? 'opens' : 'closes'} ${t.at}`)}</title></polygon>`;
        })
        .join('');
      return `<g class="series"><text x="${left - 8}" y="${y + rowH / 2 + 4}" text-anchor="end" class="label">${escapeHtml(`${row.territory} · ${row.channel}`)}</text>${spans}${marks}</g>`;
    }),
    nowMs >= from && nowMs <= to
      ? `<line class="now" x1="${x(nowMs)}" x2="${x(nowMs)}" y1="${top - 12}" y2="${height - 24}"/><text x="${x(nowMs) + 4}" y="${top - 14}" class="now-label">now ${escapeHtml(now.slice(0, 10))}</text>`
      : '',
  ].join('\n');
  const counts = (state: RightsSpanState) => rights.rows.filter((r) => r.spans.some((s) => s.state === state)).length;
  const summary = `Availability of ${rights.assetId} from ${rights.from.slice(0, 10)} to ${rights.to.slice(0, 10)} in ${rights.rows.length} territory and license type rows: ${counts('available') + counts('exclusive')} have windows (${counts('exclusive')} exclusive), ${counts('holdback')} have holdbacks, ${rights.transitions.length} transitions.`;
  const legend = `<p class="legend">${(['available', 'exclusive', 'holdback', 'blocked'] as const)
    .map((s) => `<span class="key ${s}"></span> ${escapeHtml(LABEL[s])}`)
    .join(' &nbsp; ')} &nbsp; ▲ opens ▼ closes &nbsp; <span class="key now"></span> now</p>`;
  return `${legend}${figure({
    id: 'rights-gantt',
    caption: `Rights availability of ${rights.assetId}`,
    summary,
    series: rights.rows.length,
    height,
    body,
    table: htmlTable(
      ['territory', 'license type', 'state', 'from', 'to', 'rules'],
      rights.rows.flatMap((r) =>
        r.spans.map((s) => [r.territory, r.channel, LABEL[s.state], s.start, s.end, s.rules.join(', ')]),
      ),
    ),
  })}${
    rights.transitions.length === 0
      ? ''
      : htmlTable(
          ['when (UTC)', 'territory', 'license type', 'change'],
          rights.transitions.map((t) => [
            t.at,
            t.territory,
            t.channel,
            t.change === 'open' ? 'window opens' : 'window closes',
          ]),
          'Transitions',
        )
  }`;
}
