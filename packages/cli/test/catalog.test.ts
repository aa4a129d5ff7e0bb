/**
 * `framewise rights|validate|ebucore|bxf|report`, run as processes against a catalog on embedded
 * PGlite made here, the demo's rights document, and the official schemas (xmllint).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPGliteCatalogStore } from '@framewise/adapters-storage/pglite';
import { recordCopies } from '@framewise/core/archive';
import { createCatalog } from '@framewise/core/catalog';
import { createRightsEngine } from '@framewise/core/rights';
import { schemaRoot } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framewise } from './run-cli.js';

const here = dirname(fileURLToPath(import.meta.url));
const deals = join(here, '..', '..', '..', 'examples', 'demo', 'data', 'night-signal-rights.json');
const dir = mkdtempSync(join(tmpdir(), 'framewise-cli-catalog-'));
const catalogDir = join(dir, 'catalog');
const admin = { id: 'ops', global: 'admin' as const };
const HOSTILE = '<script>alert("t")</script> & </script><img src=x onerror=alert(1)>';
let versionId = '';
let hostileVersionId = '';

beforeAll(async () => {
  const store = createPGliteCatalogStore({ dataDir: catalogDir });
  const catalog = createCatalog({ store });
  try {
    await catalog.createAsset(admin, {
      id: 'harbour-feature',
      project: 'drama',
      kind: 'feature',
      titles: [{ language: 'en', value: 'Night Signal' }],
      synopses: [{ language: 'en', value: 'A radio operator hears an interview from the future.' }],
      genres: ['Thriller'],
    });
    const version = await catalog.addVersion(admin, 'harbour-feature', {
      name: 'mezzanine',
      kind: 'mezzanine',
      rate: { num: 25, den: 1, dropFrame: false },
      durationFrames: 250,
      startTimecode: '10:00:00:00',
      locations: [],
    });
    versionId = version.id;
    const sha = 'a'.repeat(64);
    // Adding copies is the replace mode: it takes the revision they were decided from.
    await recordCopies(
      catalog,
      admin,
      versionId,
      [
        {
          fileKey: 'master',
          locationId: 'studio-disk',
          key: 'm.mov',
          sizeBytes: 10,
          sha256: sha,
          status: 'verified',
          verifiedAt: '2027-07-01T00:00:00Z',
        },
        {
          fileKey: 'master',
          locationId: 'vault-tape',
          key: 'm.mov',
          sizeBytes: 10,
          sha256: sha,
          status: 'verified',
          verifiedAt: '2027-05-01T00:00:00Z',
        },
      ],
      { expectedRevision: version.revision },
    );
    await catalog.createAsset(admin, {
      id: 'hostile',
      project: 'drama',
      kind: 'feature',
      titles: [{ language: 'en', value: HOSTILE }],
    });
    hostileVersionId = (
      await catalog.addVersion(admin, 'hostile', {
        name: HOSTILE,
        kind: 'mezzanine',
        rate: { num: 25, den: 1, dropFrame: false },
        durationFrames: 25,
        startTimecode: '00:00:00:00',
        locations: [],
      })
    ).id;
  } finally {
    await store.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('framewise rights', () => {
  const engine = createRightsEngine(JSON.parse(readFileSync(deals, 'utf8')));

  it('answers as the engine does, with reasons, and exits 1 when denied', async () => {
    const at = '2027-08-01T19:00:00Z';
    for (const territory of ['US', 'FR']) {
      const expected = engine.evaluate({ assetId: 'harbour-feature', territory, channel: 'svod', at });
      const run = await framewise([
        'rights',
        'check',
        '--deals',
        deals,
        '--title',
        'harbour-feature',
        '--territory',
        territory,
        '--at',
        at,
        '--json',
      ]);
      expect(run.code).toBe(expected.allowed ? 0 : 1);
      expect(run.json()).toMatchObject({ status: expected.status, reasons: expected.reasons });
    }
  });

  it('plans transitions as the engine does', async () => {
    const from = '2027-06-15T00:00:00Z';
    const run = await framewise([
      'rights',
      'plan',
      '--deals',
      deals,
      '--from',
      from,
      '--days',
      '60',
      '--target',
      'streamer-us=US:svod',
      '--target',
      'store-na=US,CA:pvod',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const expected = engine.planTransitions(from, 60 * 86_400_000, [
      { id: 'streamer-us', territories: ['US'], channel: 'svod' },
      { id: 'store-na', territories: ['US', 'CA'], channel: 'pvod' },
    ]);
    const got = run.json<{ transitions: { at: string; targetId: string; change: string }[] }>().transitions;
    expect(got.map((t) => [Date.parse(t.at), t.targetId, t.change])).toEqual(
      expected.map((t) => [t.at.toMillis(), t.targetId, t.change]),
    );
    expect(got.length).toBeGreaterThan(0);
  });

  it('refuses bad input with the right codes', async () => {
    const base = ['rights', 'check', '--deals', deals, '--at', '2027-08-01T19:00:00Z'];
    expect((await framewise([...base, '--title', 'no-such-title', '--territory', 'US'])).code).toBe(3);
    expect((await framewise([...base, '--title', 'harbour-feature', '--territory', 'XX'])).code).toBe(2);
    expect(
      (await framewise([...base, '--title', 'harbour-feature', '--territory', 'US', '--channel', 'radio'])).code,
    ).toBe(2);
    expect(
      (await framewise(['rights', 'check', '--deals', join(dir, 'none.json'), '--title', 'a', '--territory', 'US']))
        .code,
    ).toBe(3);
    writeFileSync(join(dir, 'broken.json'), '{"format":');
    const broken = await framewise([
      'rights',
      'check',
      '--deals',
      join(dir, 'broken.json'),
      '--title',
      'a',
      '--territory',
      'US',
    ]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/not valid JSON/);
    const at = await framewise([
      ...base.slice(0, 4),
      '--title',
      'harbour-feature',
      '--territory',
      'US',
      '--at',
      '2027-08-01',
    ]);
    expect(at.code).toBe(2);
    expect((await framewise(['rights', 'plan', '--deals', deals, '--target', 'bad target'])).code).toBe(2);
  });
});

describe('framewise validate', () => {
  it('lists the problems of a version against a profile, with fixes', async () => {
    const profile = join(dir, 'profile.json');
    writeFileSync(
      profile,
      JSON.stringify({
        id: 'streamer-us',
        name: 'Streamer US',
        renditions: [{ name: 'main', container: 'mp4', videoCodec: 'h264', width: 1920, height: 1080 }],
        metadata: [
          { field: 'title', maxLength: 40 },
          { field: 'description', maxLength: 20 },
        ],
        rights: { channel: 'svod', territories: ['US'] },
      }),
    );
    const args = [
      'validate',
      '--profile',
      profile,
      '--catalog',
      catalogDir,
      '--asset',
      'harbour-feature',
      '--version-id',
      versionId,
    ];
    const run = await framewise([...args, '--deals', deals, '--at', '2027-08-01T19:00:00Z', '--json']);
    expect(run.code, run.stderr).toBe(1);
    const out = run.json<{ ok: boolean; rightsChecked: boolean; problems: { kind: string; fix: string }[] }>();
    expect(out.rightsChecked).toBe(true);
    expect(out.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['missing-rendition']));
    expect(out.problems.every((p) => p.fix.length > 0)).toBe(true);
    const noVersion = await framewise([...args.slice(0, -1), 'no-such-version']);
    // The catalog does not tell an unknown version from one the reader may not see (FORBIDDEN).
    expect(noVersion.code, noVersion.stderr).toBe(6);
    expect(noVersion.stderr).toMatch(/FORBIDDEN.*"no-such-version".*does not exist/);
    expect((await framewise([...args.slice(0, 4), join(dir, 'no-catalog'), ...args.slice(5)])).code).toBe(3);
    writeFileSync(join(dir, 'bad-profile.json'), JSON.stringify({ id: 'x' }));
    expect((await framewise(['validate', '--profile', join(dir, 'bad-profile.json'), ...args.slice(3)])).code).toBe(2);
  });
});

describe('framewise ebucore and bxf', () => {
  const schemas = schemaRoot();

  it('exports documents valid against the official schemas, and finds a broken one', async () => {
    for (const format of ['ebucore', 'bxf'] as const) {
      const out = join(dir, `export.${format}.xml`);
      const run = await framewise([format, 'export', '--catalog', catalogDir, '--version-id', versionId, '--out', out]);
      expect(run.code, run.stderr).toBe(0);
      const valid = await framewise([format, 'validate', out, '--schemas', schemas, '--json']);
      expect(valid.code, valid.stdout).toBe(0);
      expect(valid.json()).toMatchObject({ valid: true });
      const broken = join(dir, `broken.${format}.xml`);
      // An element the schema does not know, inside the root.
      const xml = readFileSync(out, 'utf8');
      const close = xml.lastIndexOf('</');
      writeFileSync(broken, `${xml.slice(0, close)}<Bogus/>${xml.slice(close)}`);
      const invalid = await framewise([format, 'validate', broken, '--schemas', schemas]);
      expect(invalid.code).toBe(1);
      expect(invalid.stdout).toMatch(/INVALID/);
      // Never overwritten without --force, and nothing else left beside it.
      expect(
        (await framewise([format, 'export', '--catalog', catalogDir, '--version-id', versionId, '--out', out])).code,
      ).toBe(6);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses documents of the other format and missing schemas', async () => {
    const ebucore = join(dir, 'export.ebucore.xml');
    expect((await framewise(['bxf', 'validate', ebucore, '--schemas', schemas])).code).toBe(2);
    const noSchemas = await framewise(['ebucore', 'validate', ebucore, '--schemas', dir], {
      FRAMEWISE_SCHEMAS_DIR: '',
    });
    expect(noSchemas.code).toBe(4);
    expect(noSchemas.stderr).toMatch(/INVALID_CONFIG[\s\S]*fix: pass --schemas/);
  });
});

describe('framewise report', () => {
  it('writes one self-contained page with QC, rights, archive sections', async () => {
    const out = join(dir, 'report.html');
    const run = await framewise([
      'report',
      '--catalog',
      catalogDir,
      '--version-id',
      versionId,
      '--deals',
      deals,
      '--territories',
      'US,FR,CA',
      '--channels',
      'svod,pvod',
      '--at',
      '2027-08-01T00:00:00Z',
      '--out',
      out,
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ ok: true, path: out, rightsRows: 6, copies: 2 });
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/<h1>Night Signal<\/h1>/);
    expect(html).not.toMatch(/\b(src|href)="https?:/);
    expect(html).toMatch(/Content-Security-Policy/);
    expect(html).toMatch(/vault-tape/);
  });

  it('escapes hostile titles and names, and refuses traversal and overwrites', async () => {
    const out = join(dir, 'hostile.html');
    const run = await framewise(['report', '--catalog', catalogDir, '--version-id', hostileVersionId, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;');
    expect(
      (await framewise(['report', '--catalog', catalogDir, '--version-id', hostileVersionId, '--out', out])).code,
    ).toBe(6);
    const traversal = await framewise([
      'report',
      '--catalog',
      catalogDir,
      '--version-id',
      '../../etc/passwd',
      '--out',
      join(dir, 't.html'),
    ]);
    expect([2, 3, 6]).toContain(traversal.code);
    expect(existsSync(join(dir, 't.html'))).toBe(false);
    expect((await framewise(['report', '--catalog', catalogDir, '--version-id', versionId, '--out', dir])).code).toBe(
      2,
    );
  });
});
