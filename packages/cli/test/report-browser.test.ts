/**
 * The report in a real browser: Debian's headless Chromium (never a downloaded one) opens the
 * page from a file, offline; no console error, no dialog (the hostile title stays text); every
 * chart is drawn — each uPlot canvas has painted pixels and the expected number of series, each
 * SVG chart the expected number of non-empty series groups — and a screenshot is kept in
 * `packages/cli/.tmp/report-browser/`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../src/index.js';
import { reportData } from './report-data.fixture.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '.tmp', 'report-browser');
const CHROMIUM = process.env.FRAMEWISE_CHROMIUM ?? '/usr/bin/chromium';
let browser: Browser;

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
});

afterAll(async () => {
  await browser?.close();
});

describe('the report in headless Chromium', () => {
  it('renders every chart with its series, without errors, offline', async () => {
    const file = join(out, 'report.html');
    writeFileSync(file, renderReportHtml(reportData('Night Signal <script>alert("x")</script>')));
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, offline: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', async (d) => {
      problems.push(`dialog: ${d.message()}`);
      await d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`request: ${r.url()}`);
    });
    await page.goto(`file://${file}`);
    await page.waitForFunction(() =>
      Array.isArray((window as unknown as { framewiseCharts?: unknown[] }).framewiseCharts),
    );

    const uplots = await page.$$eval('[data-uplot]', (els) =>
      els.map((el) => {
        const canvas = el.querySelector('canvas');
        let painted = 0;
        if (canvas !== null) {
          const ctx = canvas.getContext('2d');
          const { data } = ctx?.getImageData(0, 0, canvas.width, canvas.height) ?? { data: new Uint8ClampedArray() };
          for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted++;
        }
        return {
          expected: Number((el as HTMLElement).dataset.series),
          // uPlot's legend has one row per series, the x series first.
          series: el.querySelectorAll('.u-legend .u-series').length - 1,
          painted,
          width: canvas?.width ?? 0,
        };
      }),
    );
    expect(uplots.length).toBe(1);
    for (const chart of uplots) {
      expect(chart.series).toBe(chart.expected);
      expect(chart.expected).toBe(5); // momentary, short-term, target, and the tolerance band's two edges
      expect(chart.width).toBeGreaterThan(300);
      expect(chart.painted).toBeGreaterThan(1000);
    }

    const svgs = await page.$$eval('svg.svg-chart', (els) =>
      els.map((svg) => {
        const groups = [...svg.querySelectorAll('g.series')];
        return {
          id: svg.closest('figure')?.id ?? '',
          expected: Number(svg.getAttribute('data-series')),
          series: groups.length,
          drawn: groups.filter((g) => {
            const box = (g as SVGGraphicsElement).getBBox();
            return box.width > 0 && box.height > 0 && g.querySelector('rect, polygon, text') !== null;
          }).length,
          marks: svg.querySelectorAll('g.series rect').length,
        };
      }),
    );
    expect(svgs.map((s) => s.id).sort()).toEqual([
      'archive-fixity',
      'distribution-states',
      'qc0-findings',
      'rights-gantt',
    ]);
    for (const chart of svgs) {
      expect(chart.series, chart.id).toBe(chart.expected);
      expect(chart.drawn, chart.id).toBe(chart.expected);
      expect(chart.marks, chart.id).toBeGreaterThan(0);
    }
    expect(svgs.find((s) => s.id === 'rights-gantt')?.expected).toBe(12);

    // The hostile title is text, not markup.
    expect(await page.textContent('h1')).toBe('Night Signal <script>alert("x")</script>');
    // Each chart has a text alternative and a table behind it.
    expect(
      await page.$$eval(
        'figure.chart-figure',
        (fs) => fs.filter((f) => f.querySelector('[aria-label]') && f.querySelector('details table')).length,
      ),
    ).toBe(5);

    await page.screenshot({ path: join(out, 'report.png'), fullPage: true });
    await page.screenshot({ path: join(out, 'report-top.png') });
    expect(problems).toEqual([]);
    await context.close();
  });
});
