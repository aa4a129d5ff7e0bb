/** The report as a library: the rights timeline against the engine, escaping, and the page's parts. */
import { readFileSync } from 'node:fs';
import { createRightsEngine } from '@framewise/core/rights';
import { describe, expect, it } from 'vitest';
import { renderReportHtml, rightsTimeline } from '../src/index.js';
import { DEALS, qcReport, reportData } from './report-data.fixture.js';

describe('rightsTimeline', () => {
  const engine = createRightsEngine(JSON.parse(readFileSync(DEALS, 'utf8')));
  const timeline = rightsTimeline(engine, 'harbour-feature', {
    territories: ['US', 'FR', 'CA', 'GB'],
    channels: ['svod', 'pvod', 'fast'],
    from: '2027-01-01T00:00:00Z',
    to: '2030-01-01T00:00:00Z',
  });

  it('agrees with the engine at every day of the timeline', () => {
    for (const row of timeline.rows) {
      for (let ms = Date.parse(timeline.from) + 43_200_000; ms < Date.parse(timeline.to); ms += 86_400_000 * 7) {
        const span = row.spans.find((s) => Date.parse(s.start) <= ms && ms < Date.parse(s.end));
        expect(span, `${row.territory} ${row.channel} ${new Date(ms).toISOString()}`).toBeDefined();
        const allowed = engine.evaluate({
          assetId: 'harbour-feature',
          territory: row.territory,
          channel: row.channel as 'svod',
          at: ms,
        }).allowed;
        expect(
          span?.state === 'available' || span?.state === 'exclusive',
          `${row.territory} ${row.channel} ${new Date(ms).toISOString()}`,
        ).toBe(allowed);
      }
    }
  });

  it('covers the bounds without gaps, marks exclusivity and lists transitions', () => {
    for (const row of timeline.rows) {
      expect(row.spans[0]?.start).toBe(timeline.from);
      expect(row.spans.at(-1)?.end).toBe(timeline.to);
      for (let i = 1; i < row.spans.length; i++) expect(row.spans[i]?.start).toBe(row.spans[i - 1]?.end);
    }
    // The demo's SVOD grant in North America is exclusive.
    expect(
      timeline.rows
        .find((r) => r.territory === 'US' && r.channel === 'svod')
        ?.spans.some((s) => s.state === 'exclusive'),
    ).toBe(true);
    expect(timeline.transitions.length).toBeGreaterThan(0);
    for (const t of timeline.transitions) {
      const row = timeline.rows.find((r) => r.territory === t.territory && r.channel === t.channel);
      expect(row?.spans.some((s) => (t.change === 'open' ? s.start : s.end) === t.at)).toBe(true);
    }
  });

  it('refuses unknown territories and reversed bounds', () => {
    const base = {
      territories: ['US'],
      channels: ['svod' as const],
      from: '2027-01-01T00:00:00Z',
      to: '2028-01-01T00:00:00Z',
    };
    expect(() => rightsTimeline(engine, 'harbour-feature', { ...base, territories: ['XX'] })).toThrow(/XX/);
    expect(() => rightsTimeline(engine, 'harbour-feature', { ...base, to: base.from })).toThrow(/after/);
    expect(() => rightsTimeline(engine, 'harbour-feature', { ...base, from: '2027-01-01' })).toThrow(/instant/);
  });
});

describe('renderReportHtml', () => {
  it('escapes every user string: titles, ids, file names, finding messages, notes', () => {
    const evil = '</script><script>alert(1)</script><b onmouseover=x>';
    const data = reportData(evil);
    const qc = qcReport(`/media/${evil}.mov`);
    const html = renderReportHtml({
      ...data,
      assetId: evil,
      versionName: evil,
      qc: [
        {
          report: {
            ...qc,
            findings: qc.findings.map((f) => ({ ...f, message: evil, rule: evil })),
            loudness: qc.loudness.map((l) => ({ ...l, track: evil })),
          },
        },
      ],
      distribution: (data.distribution ?? []).map((d) => ({
        ...d,
        endpointId: evil,
        history: d.history.map((h) => ({ ...h, note: evil })),
      })),
      archive: {
        copies: (data.archive?.copies ?? []).map((c) => ({ ...c, fileKey: evil })),
        locations: data.archive?.locations ?? [],
      },
    });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<b onmouseover');
    // Exactly the page's own two scripts (uPlot and the chart set-up), plus the JSON data blocks.
    expect(html.match(/<script>/g)?.length).toBe(2);
    expect(html.match(/<\/script>/g)?.length).toBe(2 + (html.match(/<script type="application\/json"/g)?.length ?? 0));
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)');
  });

  it('shows each part: loudness with its target, findings, ranges, rights, distribution and fixity age', () => {
    const html = renderReportHtml(reportData());
    expect(html).toContain('data-uplot="qc0-loudness0-data"');
    expect(html).toContain('target -23 LUFS ± 0.5 LU, true peak at most -1 dBTP');
    expect(html).toContain('10:00:16:00'); // the freeze range's in-point
    expect(html).toMatch(/Level, black, freeze and silence ranges/);
    expect(html).toMatch(/id="rights-gantt"[\s\S]*data-series="12"/);
    expect(html).toContain('class="now"');
    expect(html).toMatch(/token expired/);
    // studio-object verified 61 days before "now".
    expect(html).toContain('<td>studio-object</td><td>verified</td><td>61</td>');
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
  });
});
