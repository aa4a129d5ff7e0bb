import type { Readable } from 'node:stream';
import type { FramewiseErrorCode } from '../errors/index.js';

/** What an endpoint can do; the distributor and the tests branch on these, never on names. */
export interface DistributionCapabilities {
  /** Metadata and files can be changed in place after submission. */
  readonly update: boolean;
  /** Content can be deleted from the endpoint. */
  readonly remoteDelete: boolean;
  /** Content can be made unavailable without deleting it (private, unpublished). */
  readonly unpublish: boolean;
  /** The endpoint processes submissions after accepting them: `poll` confirms they are live. */
  readonly asyncProcessing: boolean;
  /** A removal can be confirmed by `poll` (the endpoint reports content gone). */
  readonly confirmsRemoval: boolean;
  /** An interrupted upload continues where it stopped. */
  readonly resumableUpload: boolean;
  /** The endpoint publishes at a given time by itself (`publishAt`). */
  readonly scheduledPublish: boolean;
}

/** One file of a delivery package. */
export interface DeliveryFile {
  /** What it is for the endpoint. */
  readonly role: 'media' | 'thumbnail' | 'captions' | 'sidecar';
  /** Stable name within the package (`mezzanine`, `thumbnail-1280x720`, `captions-fr`). */
  readonly name: string;
  readonly sizeBytes: number;
  readonly sha256?: string;
  readonly contentType?: string;
  /** BCP-47 language, for captions and audio. */
  readonly language?: string;
  /** Open the file's bytes (from the byte `start` on, to resume). */
  open(start?: number): Promise<Readable>;
}

/** What is sent to an endpoint: the mapped fields and the files, with a revision for redelivery. */
export interface DeliveryPackage {
  readonly assetId: string;
  readonly versionId: string;
  readonly endpointId: string;
  /** Increases with every change of what is delivered (names versioned redeliveries). */
  readonly revision: number;
  /** The endpoint's metadata fields, as its mapping produced them. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly files: readonly DeliveryFile[];
  /** When the endpoint should publish it by itself, for endpoints with `scheduledPublish`. */
  readonly publishAt?: string;
}

/** What an adapter knows of earlier work on this asset at this endpoint, and how it saves progress. */
export interface DistributionContext {
  /** The endpoint's id for the content, once known. */
  readonly remoteId: string | undefined;
  /** Remote ids of individual files (a caption track, a thumbnail), by file name. */
  readonly remoteFiles: Readonly<Record<string, string>>;
  /** Resume state the adapter saved earlier (an upload session URI, bytes confirmed). */
  readonly progress: unknown;
  /**
   * Persist ids and resume state *now*, before continuing (a remote id as soon as the endpoint
   * returns it; an upload session before the first byte is sent).
   */
  save(update: {
    readonly remoteId?: string;
    readonly remoteFiles?: Readonly<Record<string, string>>;
    readonly progress?: unknown;
  }): Promise<void>;
  readonly signal?: AbortSignal;
}

/** How a remote call ended: a value, never an exception, so the distributor owns retries. */
export type DistributionOutcome =
  | {
      readonly kind: 'success';
      readonly remoteId?: string;
      readonly remoteFiles?: Readonly<Record<string, string>>;
      /** Where the content now stands at the endpoint. */
      readonly remoteState: 'live' | 'processing' | 'scheduled' | 'unpublished' | 'removed';
      /** What came back, for the record (secrets are redacted before it is stored). */
      readonly response?: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: 'retry'; readonly afterMs: number; readonly reason: string }
  | { readonly kind: 'parked'; readonly until: string; readonly reason: string }
  | { readonly kind: 'failed'; readonly code: FramewiseErrorCode; readonly message: string }
  | { readonly kind: 'auth-required'; readonly reason: string };

/** What changed since the last delivery, for `update`. */
export interface DeliveryChanges {
  /** Metadata fields whose value differs from what was last sent. */
  readonly fields: readonly string[];
  /** Files that are new or whose bytes differ. */
  readonly files: readonly string[];
  /** Files sent before that are no longer in the package. */
  readonly removedFiles: readonly string[];
}

/**
 * An endpoint adapter (the driver the distributor wraps): submits a package, updates it, removes
 * it, and reports on asynchronous processing. Outcomes are values; an adapter resumes at the
 * protocol level (an interrupted upload) but leaves retries and backoff to the distributor.
 * Pass `distributionAdapterConformance` from `@framewise/core/testing` to be one.
 */
export interface DistributionAdapter {
  /** Short name for logs (`sftp`, `youtube`). */
  readonly name: string;
  readonly capabilities: DistributionCapabilities;
  submit(pkg: DeliveryPackage, ctx: DistributionContext): Promise<DistributionOutcome>;
  /** Change what was delivered; only called with `capabilities.update`. */
  update(pkg: DeliveryPackage, changes: DeliveryChanges, ctx: DistributionContext): Promise<DistributionOutcome>;
  /** Delete (`delete`) or make unavailable (`unpublish`), as the capabilities allow. */
  remove(mode: 'delete' | 'unpublish', ctx: DistributionContext): Promise<DistributionOutcome>;
  /** Where the content stands now (for `asyncProcessing` and `confirmsRemoval`). */
  poll(ctx: DistributionContext): Promise<DistributionOutcome>;
  /** Release connections. */
  close(): Promise<void>;
}
