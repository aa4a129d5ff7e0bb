import { basename } from 'node:path';
import type { FileLocation, Version } from '../assets/index.js';
import type { Catalog, PrincipalInput } from '../catalog/index.js';
import { isFramewiseError } from '../errors/index.js';
import type { ObjectStorage } from '../storage/index.js';
import type { MadeFile } from './derive.js';
import type { IngestDerivative } from './report.js';

/** Where and as whom {@link registerDerivatives} stores and registers. */
export interface RegisterDerivativesOptions {
  readonly catalog: Catalog;
  readonly actor: PrincipalInput;
  readonly storage: ObjectStorage;
  readonly storageId: string;
  /** Key prefix: files go to `<keyPrefix>/<version id>/derived/<file name>`. */
  readonly keyPrefix: string;
  readonly signal?: AbortSignal;
}

/**
 * Store made files (hashed while they upload) and register them: the proxy as a rendition of the
 * version (id `<version>-proxy`), posters, thumbnails and sprite sheets as related assets of its
 * asset (`poster`, `thumbnail`; the sprite's WebVTT as a `document`), with ids derived from the
 * version, so registering again (a resumed ingest) finds what is already there.
 */
export async function registerDerivatives(
  version: Version,
  files: readonly MadeFile[],
  options: RegisterDerivativesOptions,
): Promise<IngestDerivative[]> {
  const out: IngestDerivative[] = [];
  for (const file of files) {
    const name = basename(file.path);
    const key = `${options.keyPrefix}/${version.id}/derived/${name}`;
    const put = await options.storage.put(
      key,
      { file: file.path },
      { contentType: file.mimeType, ...(options.signal ? { signal: options.signal } : {}) },
    );
    const location: FileLocation = {
      storage: options.storageId,
      key: put.key,
      sizeBytes: put.sizeBytes,
      checksums: { sha256: put.sha256, md5: put.md5, ...(put.xxh64 === undefined ? {} : { xxh64: put.xxh64 }) },
    };
    const size = {
      ...(file.width === undefined ? {} : { width: file.width }),
      ...(file.height === undefined ? {} : { height: file.height }),
    };
    let registeredId: string;
    if (file.kind === 'proxy') {
      const rendition = await options.catalog.registerRendition(options.actor, version.id, {
        id: `${version.id}-proxy`,
        profile: file.profile,
        container: 'mp4',
        videoCodec: 'h264',
        ...((version.essence?.audio.length ?? 0) > 0 ? { audioCodec: 'aac' } : {}),
        ...size,
        locations: [location],
      });
      registeredId = rendition.id;
    } else {
      const id = `${version.id}-${name.replace(/\.[a-z0-9]+$/i, '').replace(/[^A-Za-z0-9._:-]/g, '-')}`;
      try {
        const related = await options.catalog.addRelatedAsset(options.actor, version.assetId, {
          id,
          kind: file.kind === 'poster' ? 'poster' : file.kind === 'sprite-vtt' ? 'document' : 'thumbnail',
          mimeType: file.mimeType,
          profile: file.profile,
          ...size,
          locations: [location],
        });
        registeredId = related.id;
      } catch (error) {
        if (!isFramewiseError(error, 'CONFLICT')) throw error;
        registeredId = id; // registered by an earlier run of this ingest
      }
    }
    out.push({ kind: file.kind, profile: file.profile, location, registeredId, ...size });
  }
  return out;
}
