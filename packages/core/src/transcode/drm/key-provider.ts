import type { EncryptionScheme, TrackKeyType } from '../../assets/index.js';
import type { ContentKey } from './content-key.js';

/** What {@link KeyProvider.contentKeys} is asked for. */
export interface KeyRequest {
  /** The title or package the keys protect (CPIX `contentId`). */
  readonly contentId: string;
  /** One key per track key type (with a `single`-key policy, one entry). */
  readonly trackTypes: readonly TrackKeyType[];
  /** The scheme the content will be encrypted with. */
  readonly scheme: EncryptionScheme;
  readonly signal?: AbortSignal;
}

/**
 * The port through which packaging gets its content keys: a key server (SPEKE, CPIX over HTTP),
 * a KMS, or the local provider for tests and local packaging (`createLocalKeyProvider`). Asking
 * twice for the same content id and track type must give the same key (packaging a title again,
 * or its HLS and DASH twins, must not re-key it).
 */
export interface KeyProvider {
  /**
   * The content key for each requested track type.
   *
   * @throws a `FramewiseError`: `AUTH`/`TRANSIENT`/`RATE_LIMITED` from a remote key server,
   * `NOT_FOUND` when the provider holds no key for the request.
   */
  contentKeys(request: KeyRequest): Promise<ReadonlyMap<TrackKeyType, ContentKey>>;
}
