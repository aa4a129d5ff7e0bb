import { parseInput, parseOptions, systemClock } from '@framewise/core/adapter-kit';
import { type AssetDescriptionInput, AssetDescriptionSchema, type MetadataExporter } from '@framewise/core/interchange';
import { z } from 'zod';
import { assertXmlSafe } from '../xml/chars.js';
import { collect } from '../xml/document.js';
import { documentOptionsShape } from '../xml/options.js';
import { EBUCORE_VERSIONS, type EbuCoreVersion } from './names.js';
import { ebuCoreChunks } from './write.js';

/** Options of {@link createEbuCoreExporter}. */
export const EbuCoreExporterOptionsSchema = z.strictObject({
  /** Schema version written: `1.10` (default) or `1.8`. */
  version: z.enum(EBUCORE_VERSIONS as [EbuCoreVersion, ...EbuCoreVersion[]]).default('1.10'),
  ...documentOptionsShape,
});
/** Options of {@link createEbuCoreExporter}. */
export type EbuCoreExporterOptions = z.input<typeof EbuCoreExporterOptionsSchema>;

/**
 * An exporter of {@link AssetDescriptionInput}s (one version of an asset) as EBUCore sidecars
 * (EBU Tech 3293, version 1.10 or 1.8). Input is validated first; text XML cannot carry (control
 * characters, lone surrogates) is refused with `INVALID_INPUT` naming the field, never written.
 *
 * @example
 * ```ts
 * const ebucore = createEbuCoreExporter({ version: '1.10' });
 * const xml = await ebucore.write(await describeVersion(catalog, actor, versionId));
 * ```
 */
export function createEbuCoreExporter(options: EbuCoreExporterOptions = {}): MetadataExporter<AssetDescriptionInput> {
  const o = parseOptions(EbuCoreExporterOptionsSchema, options, 'EBUCore exporter options');
  const clock = o.clock ?? systemClock;
  const now = () => new Date(clock.now());
  const exporter: MetadataExporter<AssetDescriptionInput> = {
    format: `ebucore-${o.version}`,
    mediaType: 'application/xml',
    fileExtension: '.ebucore.xml',
    async *stream(input) {
      const description = parseInput(AssetDescriptionSchema, input, 'Asset description');
      assertXmlSafe(description, 'description');
      yield* ebuCoreChunks(description, { version: o.version, modified: now(), chunkSize: o.chunkSize });
    },
    write: (input) => collect(exporter.stream(input)),
  };
  return exporter;
}
