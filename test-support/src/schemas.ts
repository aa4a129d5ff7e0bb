import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The schemas Framewise validates interchange documents against. */
export type SchemaName = 'ebucore-1.10' | 'ebucore-1.8' | 'bxf-2008' | 'bxf-2017' | 'bxf-2022' | 'avails-2.5';

const repoRoot = resolve(new URL('.', import.meta.url).pathname, '..', '..');
const ENTRY: Record<SchemaName, string> = {
  'ebucore-1.10': 'ebucore/ebucore.xsd',
  'ebucore-1.8': 'ebucore/ebucore-1.8.xsd',
  'bxf-2008': 'bxf/bxf-2008.xsd',
  'bxf-2017': 'bxf/bxf-2017.xsd',
  'bxf-2022': 'bxf/bxf-2022.xsd',
  'avails-2.5': 'mddf/avails-v2.5.xsd',
};
/** Schemas kept in this repository (their licence allows it), resolved beside test-support. */
const IN_REPO: ReadonlySet<SchemaName> = new Set(['avails-2.5']);
const inRepoRoot = resolve(new URL('.', import.meta.url).pathname, '..', 'schemas');

/**
 * The directory holding the official schemas (layout `ebucore/…`, `bxf/…`): the environment
 * variable FRAMEWISE_SCHEMAS_DIR, else `../shared/schemas` beside the repository, else
 * `.cache/schemas` (where `pnpm fetch:schemas` puts them). Missing schemas are a loud failure
 * with instructions, never a skipped test.
 */
export function schemaRoot(): string {
  const candidates = [
    process.env.FRAMEWISE_SCHEMAS_DIR,
    join(repoRoot, '..', 'shared', 'schemas'),
    join(repoRoot, '.cache', 'schemas'),
  ].filter((d): d is string => d !== undefined && d !== '');
  for (const dir of candidates) {
    if (Object.entries(ENTRY).every(([name, entry]) => IN_REPO.has(name as SchemaName) || existsSync(join(dir, entry))))
      return dir;
  }
  throw new Error(
    `The EBUCore and BXF schemas were not found (looked in: ${candidates.join(', ')}). ` +
      'They are not committed (SMPTE: all rights reserved; EBU: CC BY-NC-SA). Run `pnpm fetch:schemas` ' +
      '(downloads them at pinned commits and checks their sha256) or set FRAMEWISE_SCHEMAS_DIR.',
  );
}

/** Result of {@link validateXml}. */
export interface ValidationResult {
  readonly valid: boolean;
  /** xmllint's messages, without the harmless "Skipping import" warnings. */
  readonly errors: string[];
}

/**
 * Validate a document against an official schema with xmllint, offline (`--nonet`; EBUCore's
 * remote imports resolved by the XML catalog beside it).
 */
export function validateXml(xml: string, schema: SchemaName): Promise<ValidationResult> {
  const root = IN_REPO.has(schema) ? inRepoRoot : schemaRoot();
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      'xmllint',
      ['--nonet', '--noout', '--schema', join(root, ENTRY[schema]), '-'],
      {
        env: { ...process.env, XML_CATALOG_FILES: join(root, 'ebucore', 'catalog.xml') },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, _stdout, stderr) => {
        const errors = stderr
          .split('\n')
          .filter((l) => l !== '' && !l.includes('Skipping import') && !/^- validates$/.test(l));
        if (error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new Error('xmllint is not installed (apt-get install libxml2-utils; scripts/setup.sh does it)'));
          return;
        }
        resolvePromise({ valid: error === null, errors });
      },
    );
    child.stdin?.end(xml);
  });
}
