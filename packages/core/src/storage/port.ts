import type { Readable } from 'node:stream';

/** What a storage driver can do; hosts and tests branch on these. */
export interface StorageCapabilities {
  /** `get` honours byte ranges without reading the whole object. */
  readonly rangeReads: boolean;
  /** A partially uploaded object can be resumed (driver-specific API). */
  readonly resumableUpload: boolean;
  /** `put` makes the object visible atomically: readers see the old object or the whole new one. */
  readonly atomicPut: boolean;
  /** `copy` happens on the server, without streaming through this process. */
  readonly serverSideCopy: boolean;
  /** Objects keep user metadata. */
  readonly userMetadata: boolean;
  /** Objects have storage classes (tiers). */
  readonly storageClasses: boolean;
  /**
   * `put` honours {@link DriverPutOptions.verify}: the bytes land under a temporary name, the
   * check runs, and only then is the key replaced. Without it, core stages the upload under a
   * reserved `.partial` key itself and copies it into place once verified.
   */
  readonly verifiedPut?: boolean;
  /**
   * `put` honours {@link DriverPutOptions.createOnly}: it never replaces an object already under
   * the key (the filesystem links the verified temporary file into place, which fails if the name
   * exists; S3 writes with `If-None-Match: *`; memory checks at the commit).
   */
  readonly createOnly?: boolean;
}

/** What is known about a stored object. */
export interface ObjectInfo {
  readonly key: string;
  readonly sizeBytes: number;
  /** Last modification, ISO 8601. */
  readonly modifiedAt: string;
  readonly contentType?: string;
  /** User metadata (string values). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly etag?: string;
  readonly storageClass?: string;
}

/** Options of a driver `put`. */
export interface DriverPutOptions {
  readonly contentType?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /**
   * With `capabilities.verifiedPut`: called once every byte is durably stored under a temporary
   * name and before the key is replaced, with what was stored. When it throws, the driver removes
   * the temporary object, leaves whatever was under the key untouched and rethrows.
   */
  readonly verify?: (stored: { readonly sizeBytes: number; readonly etag?: string }) => Promise<void>;
  /**
   * With `capabilities.createOnly`: fail with `CONFLICT` (details `reason: 'exists'`) rather than
   * replace an object already under the key; the existing object is untouched and nothing of this
   * put is left behind.
   */
  readonly createOnly?: boolean;
}

/** A byte range, both ends inclusive (as HTTP ranges). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The storage driver port: the minimal operations an adapter implements. Core's
 * {@link ObjectStorage} wraps it with key validation, checksums computed while streaming,
 * progress, retries of transient errors and events. Keys reaching a driver are already validated
 * (`a/b/c.mxf`: no `..`, no leading `/`, no backslash or control characters).
 *
 * Errors: `NOT_FOUND` for a missing key, `TRANSIENT` for what may succeed on retry; never a raw error.
 */
export interface StorageDriver {
  /** Short name for logs, e.g. `fs`, `s3`. */
  readonly name: string;
  /**
   * The physical store this driver writes to, e.g. `fs:/srv/media` or
   * `s3:https://s3.eu-west-1.amazonaws.com/masters/prefix/`: two drivers with the same identity
   * hold the same objects under the same keys (whatever storage class each writes), so a copy
   * between them is no copy and a delete through one removes the other's object. Absent: the
   * driver instance is its own store.
   */
  readonly identity?: string;
  readonly capabilities: StorageCapabilities;
  /** Store a stream under a key (replacing any object there). Nothing is visible under the key unless it completes. */
  put(
    key: string,
    body: Readable,
    options: DriverPutOptions,
  ): Promise<{ readonly sizeBytes: number; readonly etag?: string }>;
  /** A stream of the object (or of a byte range of it). */
  get(key: string, options: { readonly range?: ByteRange; readonly signal?: AbortSignal }): Promise<Readable>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** One page of keys with a prefix, in ascending key order, after `cursor`. */
  list(
    prefix: string,
    options: { readonly cursor?: string; readonly limit: number },
  ): Promise<{ readonly items: readonly ObjectInfo[]; readonly cursor?: string }>;
  /** Delete an object; true when it existed. */
  delete(key: string): Promise<boolean>;
  copy(from: string, to: string): Promise<void>;
  /**
   * Change an object's storage class in place (S3: a server-side copy onto itself), keeping its
   * bytes, key and metadata. Present when `capabilities.storageClasses` is true.
   */
  setStorageClass?(key: string, storageClass: string): Promise<void>;
  /** Release resources. */
  close(): Promise<void>;
}
