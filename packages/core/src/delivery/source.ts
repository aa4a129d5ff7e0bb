import type { PrincipalInput } from '../catalog/access.js';
import type { Catalog } from '../catalog/catalog.js';
import { FramewiseError } from '../errors/index.js';
import type { QcReportStore } from '../qc/report-store.js';
import type { ObjectStorage } from '../storage/index.js';
import type { DeliverySource, DeliverySubject } from './package.js';

/** Caption formats recognised from a related document's MIME type. */
const CAPTION_TYPES: Readonly<Record<string, string>> = {
  'text/vtt': 'webvtt',
  'application/x-subrip': 'srt',
  'text/srt': 'srt',
  'application/ttml+xml': 'ttml',
  'application/ttml+xml;profile=imsc1': 'imsc1',
  'text/x-scc': 'scc',
};

/**
 * A {@link DeliverySource} over the catalog: the version and its renditions, the asset's related
 * images, caption documents (related `document`s with a caption MIME type and a language), the
 * newest QC report under the profile's policy, and files opened through the storage serving each
 * location.
 */
export function catalogDeliverySource(options: {
  readonly catalog: Catalog;
  readonly actor: PrincipalInput;
  /** The storage serving a location id (a `FileLocation.storage`). */
  readonly storages: (storageId: string) => ObjectStorage | undefined;
  readonly qcReports?: QcReportStore;
}): DeliverySource {
  const { catalog, actor } = options;
  return {
    async load(assetId, versionId, profile): Promise<DeliverySubject> {
      const [asset, version, renditions, related] = await Promise.all([
        catalog.getAsset(actor, assetId),
        catalog.getVersion(actor, versionId),
        catalog.listRenditions(actor, versionId),
        catalog.listRelatedAssets(actor, assetId),
      ]);
      if (version.assetId !== assetId)
        throw new FramewiseError('INVALID_INPUT', `Version "${versionId}" is not a version of "${assetId}"`, {
          details: { assetId, versionId },
        });
      const qc =
        profile.qcPolicy === undefined || options.qcReports === undefined
          ? undefined
          : await options.qcReports.latest(versionId, { policy: profile.qcPolicy });
      const captions = related.flatMap((r) => {
        const format = r.mimeType === undefined ? undefined : CAPTION_TYPES[r.mimeType];
        if (r.kind !== 'document' || format === undefined || r.language === undefined) return [];
        return [
          { language: r.language, format, ...(r.locations[0] === undefined ? {} : { location: r.locations[0] }) },
        ];
      });
      return {
        asset,
        version,
        renditions,
        related,
        captions,
        ...(qc === undefined ? {} : { qc }),
        async open(location, start) {
          const storage = options.storages(location.storage);
          if (storage === undefined)
            throw new FramewiseError('NOT_FOUND', `No storage serves location "${location.storage}"`, {
              details: { storage: location.storage, key: location.key },
            });
          if (start === undefined || start === 0) return storage.get(location.key);
          const size = location.sizeBytes ?? (await storage.head(location.key))?.sizeBytes ?? 0;
          return storage.get(location.key, { range: { start, end: Math.max(start, size - 1) } });
        },
      };
    },
  };
}
