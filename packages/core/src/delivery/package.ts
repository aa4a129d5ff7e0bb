import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Asset } from '../assets/asset.js';
import type { RelatedAsset, Rendition } from '../assets/rendition.js';
import type { FileLocation, Version } from '../assets/version.js';
import type { QcReport } from '../qc/report.js';
import type { DeliveryChanges, DeliveryFile, DeliveryPackage, DistributionAdapter } from './port.js';
import type { DeliveryProfile, DeliveryProfileInput } from './profile.js';
import type { DistributionRecord } from './record.js';
import { matchesRendition } from './validate.js';
import { verifiedRead } from './verified-read.js';

/** Everything the distributor reads about one version before it delivers it. */
export interface DeliverySubject {
  readonly asset: Asset;
  readonly version: Version;
  readonly renditions: readonly Rendition[];
  readonly related: readonly RelatedAsset[];
  /** Caption tracks, with where their file is. */
  readonly captions: readonly {
    readonly language: string;
    readonly format: string;
    readonly location?: FileLocation;
  }[];
  /** The newest QC report under the profile's policy, when it has one. */
  readonly qc?: QcReport;
  /** Open a stored file (from byte `start`). */
  open(location: FileLocation, start?: number): Promise<Readable>;
}

/** Loads a {@link DeliverySubject} (from the catalog, storage and QC reports, or the host's own). */
export interface DeliverySource {
  load(assetId: string, versionId: string, profile: DeliveryProfile): Promise<DeliverySubject>;
}

/**
 * One endpoint the distributor delivers to: its profile, its adapter, and the typed mapping from
 * the catalog to its metadata fields (and, optionally, to its files).
 */
export interface DistributionEndpoint<TFields extends Readonly<Record<string, unknown>> = Record<string, unknown>> {
  readonly id: string;
  readonly profile: DeliveryProfileInput;
  readonly adapter: DistributionAdapter;
  /** The endpoint's metadata fields from the catalog (title, description, tags, …). */
  fields(subject: DeliverySubject): TFields;
  /**
   * The files to deliver. Default: for each rendition spec the first matching rendition
   * (`media`), each required thumbnail at its size (`thumbnail`), the captions the profile asks for.
   */
  files?(subject: DeliverySubject): DeliveryFile[];
  /**
   * Remote calls to this endpoint at once (default 1). Raise it for endpoints whose adapter
   * handles parallel calls (SFTP, YouTube); an FTP connection does one transfer at a time.
   */
  readonly maxConcurrent?: number;
}

const CONTAINER_TYPES: Readonly<Record<string, string>> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  mxf: 'application/mxf',
  mpegts: 'video/mp2t',
  webm: 'video/webm',
  matroska: 'video/x-matroska',
};

/**
 * The default files of a package: matching renditions, thumbnails and captions. A file whose
 * location has a SHA-256 is read verified against it ({@link verifiedRead}).
 */
export function defaultFiles(profile: DeliveryProfile, subject: DeliverySubject): DeliveryFile[] {
  const files: DeliveryFile[] = [];
  const file = (
    role: DeliveryFile['role'],
    name: string,
    location: FileLocation | undefined,
    extra: { readonly contentType?: string; readonly language?: string } = {},
  ) => {
    if (location === undefined) return;
    const sha256 = location.checksums.sha256;
    files.push({
      role,
      name,
      sizeBytes: location.sizeBytes ?? 0,
      ...(sha256 === undefined ? {} : { sha256 }),
      ...extra,
      // Every read is verified against the catalog's digest while it streams (a bit-rotted file
      // fails INTEGRITY before its last byte reaches the endpoint).
      open: (start = 0) =>
        sha256 === undefined
          ? subject.open(location, start)
          : verifiedRead(
              () => subject.open(location, 0),
              { sha256, ...(location.sizeBytes === undefined ? {} : { sizeBytes: location.sizeBytes }) },
              start,
              `"${name}" (${location.storage}:${location.key})`,
            ),
    });
  };
  for (const spec of profile.renditions) {
    const r = subject.renditions.find((x) => matchesRendition(x, spec));
    const contentType = r === undefined ? undefined : CONTAINER_TYPES[r.container];
    file('media', spec.name, r?.locations[0], contentType === undefined ? {} : { contentType });
  }
  for (const spec of profile.thumbnails) {
    const t = subject.related.find((r) => r.kind === spec.kind && r.width === spec.width && r.height === spec.height);
    file('thumbnail', `${spec.kind}-${spec.width}x${spec.height}`, t?.locations[0], {
      ...(t?.mimeType === undefined ? {} : { contentType: t.mimeType }),
    });
  }
  for (const language of profile.captions?.languages ?? []) {
    const c = subject.captions.find(
      (x) =>
        (x.language === language || x.language.startsWith(`${language}-`)) &&
        (profile.captions?.formats ?? []).includes(x.format as never),
    );
    file('captions', `captions-${language}`, c?.location, { language });
  }
  return files;
}

/** Build the package for a record's next delivery. */
export function buildPackage(
  endpoint: DistributionEndpoint,
  profile: DeliveryProfile,
  subject: DeliverySubject,
  record: DistributionRecord,
  publishAt: string | undefined,
): DeliveryPackage {
  return {
    assetId: record.assetId,
    versionId: record.versionId,
    endpointId: record.endpointId,
    revision: (record.sent?.revision ?? 0) + 1,
    fields: endpoint.fields(subject),
    files: endpoint.files?.(subject) ?? defaultFiles(profile, subject),
    ...(publishAt === undefined ? {} : { publishAt }),
  };
}

const stable = (value: unknown): string =>
  JSON.stringify(value, (_k, v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  ) ?? 'undefined';

/** SHA-256 of each field's value (stable JSON), as records keep them. */
export function fieldHashes(fields: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, createHash('sha256').update(stable(v)).digest('hex')]),
  );
}

/** What differs between a package and what the record says was sent. */
export function diffPackage(pkg: DeliveryPackage, sent: DistributionRecord['sent']): DeliveryChanges {
  const before = sent?.fieldHashes ?? {};
  const now = fieldHashes(pkg.fields);
  const names = new Set([...Object.keys(before), ...Object.keys(now)]);
  const fields = [...names].filter((n) => before[n] !== now[n]).sort();
  const sentFiles = new Map((sent?.files ?? []).map((f) => [f.name, f]));
  const files = pkg.files
    .filter((f) => {
      const old = sentFiles.get(f.name);
      return old === undefined || old.sizeBytes !== f.sizeBytes || old.sha256 !== f.sha256;
    })
    .map((f) => f.name)
    .sort();
  const removedFiles = [...sentFiles.keys()].filter((n) => !pkg.files.some((f) => f.name === n)).sort();
  return { fields, files, removedFiles };
}
