/** `framewise ebucore|bxf export|validate`: interchange documents from the catalog, checked against the official schemas. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FramewiseError } from '@framewise/core/errors';
import { describeVersion } from '@framewise/core/interchange';
import { CLI_READER, withCatalog } from '../cli/catalog.js';
import type { CommandRunner } from '../cli/command.js';
import { EXIT } from '../cli/exit-codes.js';
import { arg, readDocument, stringOpt } from '../cli/inputs.js';
import { assertWritableTarget, writeOutputFile } from '../cli/write-file.js';

type Format = 'ebucore' | 'bxf';

/** The `export` command of a format: describe the version from the catalog and write the document. */
export function exportCommand(format: Format): CommandRunner {
  return async ({ opts, out }) => {
    const versionId = stringOpt(opts, 'versionId') ?? '';
    const path = stringOpt(opts, 'out') ?? '';
    const force = opts.force === true;
    await assertWritableTarget(path, force, `${format} file`);
    const schemaVersion = stringOpt(opts, 'schemaVersion');
    const xml = await withCatalog(stringOpt(opts, 'catalog'), async (catalog) => {
      const description = await describeVersion(catalog, CLI_READER, versionId);
      if (format === 'ebucore') {
        const { createEbuCoreExporter } = await import('@framewise/adapters-metadata/ebucore');
        return createEbuCoreExporter({ version: (schemaVersion ?? '1.10') as '1.10' | '1.8' }).write(description);
      }
      const { createBxfContentExporter } = await import('@framewise/adapters-metadata/bxf');
      const mediaPath = stringOpt(opts, 'mediaPath') ?? `file:///playout/${encodeURIComponent(versionId)}`;
      return createBxfContentExporter({
        version: (schemaVersion ?? '2022') as '2022' | '2017' | '2008',
        originType: 'Content Management',
      }).write({ description, path: mediaPath, houseNumber: stringOpt(opts, 'houseNumber') ?? versionId });
    });
    await writeOutputFile(path, xml, { force, what: `${format} file` });
    out.line(`wrote ${path} (${Buffer.byteLength(xml)} bytes)`);
    out.result({ ok: true, format, version: schemaVersion, path, bytes: Buffer.byteLength(xml) });
    return EXIT.OK;
  };
}

const BXF_NS = /http:\/\/smpte-ra\.org\/schemas\/2021\/(2008|2017|2022)\/BXF/;

/** Which official schema a document is for, from its root namespace and version attribute. */
function schemaOf(format: Format, head: string, path: string): { readonly entry: string; readonly name: string } {
  if (format === 'bxf') {
    const year = BXF_NS.exec(head)?.[1];
    if (year === undefined)
      throw new FramewiseError(
        'INVALID_INPUT',
        `${JSON.stringify(path)} is not a BXF document (no BXF 2008, 2017 or 2022 namespace)`,
        {
          details: { path },
        },
      );
    return { entry: `bxf/bxf-${year}.xsd`, name: `BXF ${year}` };
  }
  if (!head.includes('urn:ebu:metadata-schema:ebucore'))
    throw new FramewiseError(
      'INVALID_INPUT',
      `${JSON.stringify(path)} is not an EBUCore document (no EBUCore namespace)`,
      {
        details: { path },
      },
    );
  const v18 = /<(?:\w+:)?ebuCoreMain\b[^>]*\sversion="1\.8"/.test(head);
  return v18
    ? { entry: 'ebucore/ebucore-1.8.xsd', name: 'EBUCore 1.8' }
    : { entry: 'ebucore/ebucore.xsd', name: 'EBUCore 1.10' };
}

/** The official schemas: `--schemas`, else `$FRAMEWISE_SCHEMAS_DIR`. */
function schemasDir(opts: Readonly<Record<string, unknown>>, entry: string): string {
  const dir = stringOpt(opts, 'schemas') ?? process.env.FRAMEWISE_SCHEMAS_DIR;
  if (dir === undefined || dir === '' || !existsSync(join(dir, entry)))
    throw new FramewiseError(
      'INVALID_CONFIG',
      `The official schema ${entry} was not found${dir ? ` under ${JSON.stringify(dir)}` : ''}`,
      {
        details: {
          fix: 'pass --schemas <dir> (or set FRAMEWISE_SCHEMAS_DIR) to a directory with ebucore/ and bxf/ schemas; in the repository `pnpm fetch:schemas` fetches them',
        },
      },
    );
  return dir;
}

/** xmllint's verdict, offline. */
function xmllint(file: string, xsd: string, catalog: string): Promise<{ valid: boolean; errors: string[] }> {
  return new Promise((done, fail) => {
    execFile(
      'xmllint',
      ['--nonet', '--noout', '--schema', xsd, file],
      { env: { ...process.env, XML_CATALOG_FILES: catalog }, maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          fail(
            new FramewiseError('INVALID_CONFIG', 'xmllint is not installed', {
              details: { fix: 'apt-get install libxml2-utils' },
            }),
          );
          return;
        }
        const errors = stderr
          .split('\n')
          .filter((l) => l !== '' && !l.includes('Skipping import') && !l.endsWith(' validates'));
        done({ valid: error === null, errors });
      },
    );
  });
}

/** The `validate` command of a format: the official schema (xmllint), and for EBUCore Framewise's reader too. */
export function validateCommand(format: Format): CommandRunner {
  return async ({ args, opts, out }) => {
    const path = arg(args, 0, 'file');
    const bytes = await readDocument(path, `${format === 'bxf' ? 'BXF' : 'EBUCore'} document`);
    const schema = schemaOf(format, bytes.subarray(0, 8192).toString('utf8'), path);
    const dir = schemasDir(opts, schema.entry);
    // An absolute path: a file named like an option (`-x`) is still a file to xmllint.
    const result = await xmllint(resolve(path), join(dir, schema.entry), join(dir, 'ebucore', 'catalog.xml'));
    const errors = [...result.errors];
    let model: { readonly title?: string; readonly parts: number } | undefined;
    if (format === 'ebucore') {
      const { readEbuCore } = await import('@framewise/adapters-metadata/ebucore');
      try {
        const d = readEbuCore(bytes, { source: path });
        model = { ...(d.asset.titles[0] ? { title: d.asset.titles[0].value } : {}), parts: d.parts.length };
      } catch (error) {
        errors.push(`Framewise reader: ${(error as Error).message}`);
      }
    }
    const valid = result.valid && errors.length === result.errors.length;
    out.line(`${valid ? 'VALID' : 'INVALID'}  ${path} against ${schema.name}`);
    for (const e of errors.slice(0, 50)) out.line(`  ${e}`);
    out.result({ ok: valid, valid, schema: schema.name, errors, ...(model === undefined ? {} : { read: model }) });
    return valid ? EXIT.OK : EXIT.CHECK_FAILED;
  };
}
