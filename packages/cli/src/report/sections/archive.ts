import { escapeHtml, num } from '../escape.js';
import type { ReportCopy, ReportLocation } from '../model.js';
import { CHART_WIDTH, figure, htmlTable } from '../svg.js';

const DAY = 86_400_000;

/** The archive section: copies per location (medium, site), their state and the age of their last fixity check. */
export function archiveSection(
  archive: { readonly copies: readonly ReportCopy[]; readonly locations?: readonly ReportLocation[] } | undefined,
  now: string,
): string {
  if (archive === undefined || archive.copies.length === 0)
    return '<p>No archive copies recorded for this version.</p>';
  const nowMs = Date.parse(now);
  const where = new Map((archive.locations ?? []).map((l) => [l.id, l]));
  const age = (c: ReportCopy) =>
    c.verifiedAt === undefined ? undefined : Math.max(0, (nowMs - Date.parse(c.verifiedAt)) / DAY);
  const copies = [...archive.copies].sort(
    (a, b) => a.fileKey.localeCompare(b.fileKey) || a.locationId.localeCompare(b.locationId),
  );
  const table = htmlTable(
    ['file', 'location', 'medium', 'site', 'tier', 'status', 'bytes', 'last verified', 'fixity age (days)'],
    copies.map((c) => {
      const l = where.get(c.locationId);
      return [
        c.fileKey,
        l?.name ? `${l.name} (${c.locationId})` : c.locationId,
        l?.media ?? '',
        l?.site ?? '',
        l?.tier ?? '',
        c.status,
        c.sizeBytes ?? '',
        c.verifiedAt ?? 'never',
        num(age(c), 2),
      ];
    }),
    'Copies',
  );
  const left = 260;
  const width = CHART_WIDTH - left - 60;
  const barH = 20;
  const height = 10 + copies.length * barH + 10;
  const maxAge = Math.max(1, ...copies.map((c) => age(c) ?? 0));
  const body = copies
    .map((c, i) => {
      const y = 8 + i * barH;
      const a = age(c);
      const w = a === undefined ? 0 : Math.max(2, (a / maxAge) * width);
      const label = `${c.fileKey} @ ${c.locationId}`;
      return `<g class="series"><text x="${left - 8}" y="${y + 14}" text-anchor="end" class="label">${escapeHtml(label.length > 40 ? `${label.slice(0, 39)}…` : label)}</text>${
        a === undefined
          ? `<text x="${left}" y="${y + 14}" class="tick">never verified</text>`
          : `<rect x="${left}" y="${y + 3}" width="${w}" height="${barH - 6}" class="bar ${escapeHtml(c.status)}"><title>${escapeHtml(`${label}: ${c.status}, verified ${c.verifiedAt} (${num(a, 2)} days ago)`)}</title></rect><text x="${left + w + 4}" y="${y + 14}" class="tick">${num(a, 2)} d</text>`
      }</g>`;
    })
    .join('\n');
  const sites = [...new Set(copies.map((c) => where.get(c.locationId)?.site).filter(Boolean))];
  return `${table}${figure({
    id: 'archive-fixity',
    caption: 'Fixity age per copy (days since last verified)',
    summary: `${copies.length} copies at ${new Set(copies.map((c) => c.locationId)).size} locations on ${sites.length} sites; oldest verification ${num(maxAge, 2)} days ago`,
    series: copies.length,
    height,
    body,
    table: htmlTable(
      ['file', 'location', 'status', 'fixity age (days)'],
      copies.map((c) => [c.fileKey, c.locationId, c.status, num(age(c), 2)]),
    ),
  })}`;
}
