/**
 * Demo step: metadata interchange. The mezzanine version (with two segments marked on it) is
 * described from the catalog and written as an EBUCore 1.10 sidecar next to the archived master
 * in the vault, then read back and compared field for field; a BXF 2022 Content message tells
 * playout automation about the programme and its segments. Both documents are validated against
 * the official schemas with xmllint when the schemas are present (FRAMEWISE_SCHEMAS_DIR,
 * ../shared/schemas, or `pnpm fetch:schemas`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { createBxfContentExporter } from '@framewise/adapters-metadata/bxf';
import { createEbuCoreExporter, readEbuCore, writeDocumentFile } from '@framewise/adapters-metadata/ebucore';
import type { Catalog } from '@framewise/core/catalog';
import { describeVersion } from '@framewise/core/interchange';
import { heading, note } from '../print.js';
import { demoEditor } from './catalog.js';
import type { StoredFile } from './media.js';

/** Run the interchange step for the version whose master the archive step put in the vault. */
export async function runInterchangeStep(
  catalog: Catalog,
  dataDir: string,
  versionId: string,
  master: StoredFile,
): Promise<void> {
  heading('Metadata interchange: EBUCore sidecar and BXF content message');
  const version = await catalog.getVersion(demoEditor, versionId);
  const half = Math.floor(version.durationFrames / 2);
  await catalog.addAnnotations(demoEditor, versionId, [
    { type: 'segment', start: 0, duration: half, text: 'Part 1', provenance: { kind: 'person', id: 'ana' } },
    { type: 'ad-break', start: half, duration: 0, provenance: { kind: 'person', id: 'ana' } },
    {
      type: 'segment',
      start: half,
      duration: version.durationFrames - half,
      text: 'Part 2',
      provenance: { kind: 'person', id: 'ana' },
    },
  ]);
  const description = await describeVersion(catalog, demoEditor, versionId, {
    rights: [
      {
        id: 'northlight-2027',
        summary: 'SVOD in US and GB; FAST in CA after the holdback',
        holder: 'Northlight Pictures',
        territories: ['US', 'GB', 'CA'],
        start: '2027-07-01',
        end: '2029-06-30',
        cleared: true,
      },
    ],
  });
  const sidecar = join(dataDir, 'storage-vault', `${master.key}.ebucore.xml`);
  await writeDocumentFile(createEbuCoreExporter({ version: '1.10' }), description, sidecar);
  const back = readEbuCore(readFileSync(sidecar), { source: sidecar });
  const same = isDeepStrictEqual(back, description);
  note(
    `EBUCore 1.10 sidecar beside the archived master: ${sidecar.slice(dataDir.length + 1)} (${readFileSync(sidecar).length} bytes)`,
  );
  note(
    `read back: "${back.asset.titles[0]?.value}", ${back.version.essence?.video[0]?.codec} ${back.version.essence?.video[0]?.width}x${back.version.essence?.video[0]?.height}, ${back.parts.filter((p) => p.type === 'segment').length} segments, ${back.version.locations.length} location(s), ${back.rights.length} rights statement(s); identical to the catalog's description: ${same ? 'yes' : 'NO'}`,
  );
  const bxf = await createBxfContentExporter({ version: '2022', originType: 'Content Management' }).write({
    description,
    path: `file:///playout/${master.key.split('/').pop()}`,
    houseNumber: 'CROSS-101',
  });
  const message = join(dataDir, 'playout', 'CROSS-101.bxf.xml');
  mkdirSync(dirname(message), { recursive: true });
  writeFileSync(message, bxf);
  const segments = [...bxf.matchAll(/<SOM frameRate="[^"]+">\s*<SmpteTimeCode>([^<]+)</g)].map((m) => m[1]);
  note(
    `BXF 2022 content message for playout: CROSS-101, SOM ${segments[0]}, segments at ${segments.slice(1).join(', ')}`,
  );
  for (const [file, schema, label] of [
    [sidecar, 'ebucore/ebucore.xsd', 'EBUCore 1.10'],
    [message, 'bxf/bxf-2022.xsd', 'BXF 2022'],
  ] as const) {
    note(`${label}: ${validate(file, schema)}`);
  }
}

/** Validate with xmllint against the official schema, offline; say so when the schemas are absent. */
function validate(file: string, schema: string): string {
  const root = schemasDir();
  if (root === undefined) return 'not validated: official schemas not found (run `pnpm fetch:schemas`)';
  try {
    execFileSync('xmllint', ['--nonet', '--noout', '--schema', join(root, schema), file], {
      env: { ...process.env, XML_CATALOG_FILES: join(root, 'ebucore', 'catalog.xml') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return 'valid against the official schema';
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? error);
    return `INVALID: ${stderr.split('\n').find((l) => l.includes('error')) ?? stderr}`;
  }
}

function schemasDir(): string | undefined {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  return [
    process.env.FRAMEWISE_SCHEMAS_DIR,
    join(repo, '..', 'shared', 'schemas'),
    join(repo, '.cache', 'schemas'),
  ].find((d) => d !== undefined && d !== '' && existsSync(join(d, 'bxf', 'bxf-2022.xsd')));
}
