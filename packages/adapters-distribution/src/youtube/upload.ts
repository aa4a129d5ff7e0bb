import type { Readable } from 'node:stream';
import type { DeliveryFile, DistributionContext } from '@framewise/core/delivery';
import { backoffMs, waitToRetry } from '@framewise/core/errors';
import { ConnectionLost, type YouTubeApi } from './api.js';
import { Failure } from './failure.js';

/** Resumable upload chunks are multiples of this (the protocol's unit). */
export const UPLOAD_CHUNK_UNIT = 256 * 1024;

/** What the adapter saves about an upload in progress (in the record's `progress`). */
export interface UploadSession {
  readonly kind: 'youtube-resumable-upload';
  /** The session URI from `Location`: uploads and status queries go there. */
  readonly sessionUri: string;
  readonly sizeBytes: number;
  /** The file the session is for: a different file starts a new session. */
  readonly sha256: string | undefined;
  readonly startedAt: string;
}

/** A video resource as the API returns it (the parts the adapter reads). */
export interface VideoResource {
  readonly id: string;
  readonly snippet?: Record<string, unknown>;
  readonly status?: Record<string, unknown>;
  readonly processingDetails?: Record<string, unknown>;
}

/** How {@link resumableUpload} behaves. */
export interface ResumableUploadOptions {
  readonly chunkBytes: number;
  /** Interruptions (connection lost, 5xx) survived within one call before it answers `retry`. */
  readonly maxInterruptions: number;
  /** First wait after an interruption; doubles each time. */
  readonly resumeDelayMs: number;
  readonly chunkTimeoutMs: number;
  readonly now: () => number;
  readonly signal?: AbortSignal | undefined;
}

/** The upload session saved in `progress`, if any. */
export function sessionIn(progress: unknown): UploadSession | undefined {
  const s = progress as Partial<UploadSession> | undefined;
  if (s?.kind !== 'youtube-resumable-upload' || typeof s.sessionUri !== 'string' || typeof s.sizeBytes !== 'number')
    return undefined;
  return s as UploadSession;
}

/** The session saved in `progress`, when it is for this file (same size and digest). */
export function savedSession(progress: unknown, file: DeliveryFile): UploadSession | undefined {
  const s = sessionIn(progress);
  return s !== undefined && s.sizeBytes === file.sizeBytes && s.sha256 === file.sha256 ? s : undefined;
}

/**
 * Upload a video with the resumable protocol. The session URI is saved before the first byte is
 * sent; after any interruption the server is asked what it has (`bytes *` + `/total`) and the
 * upload continues from the confirmed offset, so confirmed bytes are never sent again and a
 * completed upload is found rather than repeated (no second video).
 */
export async function resumableUpload(
  api: YouTubeApi,
  file: DeliveryFile,
  resource: { snippet: Record<string, unknown>; status: Record<string, unknown> },
  ctx: DistributionContext,
  o: ResumableUploadOptions,
): Promise<VideoResource> {
  let session = savedSession(ctx.progress, file);
  let offset: number | VideoResource | 'expired' | undefined;
  let interruptions = 0;
  for (;;) {
    try {
      if (session === undefined) {
        session = await startSession(api, file, resource, o);
        // Persist the session before a single byte is sent: a crash from here on resumes it.
        await ctx.save({ progress: session });
        offset = 0;
      }
      offset ??= await confirmedOffset(api, session, o);
      if (offset === 'expired') {
        session = undefined;
        offset = undefined;
        continue;
      }
      if (typeof offset !== 'number') return offset;
      const done = await sendFrom(api, file, session, offset, o);
      if (typeof done !== 'number') return done;
      offset = done;
    } catch (error) {
      if (!(error instanceof ConnectionLost) && !(error instanceof Failure && error.outcome.kind === 'retry'))
        throw error;
      interruptions += 1;
      if (interruptions > o.maxInterruptions)
        throw error instanceof Failure
          ? error
          : Failure.retry(0, `${error.message}; the upload resumes on the next attempt`);
      const asked = error instanceof Failure && error.outcome.kind === 'retry' ? error.outcome.afterMs : undefined;
      await waitToRetry(backoffMs(interruptions, { baseMs: o.resumeDelayMs, jitter: 'none' }, asked), o.signal).catch(
        () => {
          throw Failure.failed('CANCELLED', 'YouTube upload cancelled');
        },
      );
      offset = undefined;
    }
  }
}

async function startSession(
  api: YouTubeApi,
  file: DeliveryFile,
  resource: { snippet: Record<string, unknown>; status: Record<string, unknown> },
  o: ResumableUploadOptions,
): Promise<UploadSession> {
  const response = await api.call({
    method: 'POST',
    url: '/upload/youtube/v3/videos',
    query: { uploadType: 'resumable', part: 'snippet,status' },
    headers: {
      'content-type': 'application/json; charset=UTF-8',
      'x-upload-content-length': String(file.sizeBytes),
      'x-upload-content-type': file.contentType ?? 'application/octet-stream',
    },
    body: JSON.stringify(resource),
    operation: 'videos.insert (start a resumable session)',
    signal: o.signal,
  });
  await response.body?.cancel();
  const location = response.headers.get('location');
  if (location === null)
    throw Failure.retry(0, 'YouTube videos.insert answered without a session URI (Location header)');
  return {
    kind: 'youtube-resumable-upload',
    sessionUri: location,
    sizeBytes: file.sizeBytes,
    sha256: file.sha256,
    startedAt: new Date(o.now()).toISOString(),
  };
}

/** Ask the session what it has: the confirmed offset, the finished video, or `expired`. */
export async function confirmedOffset(
  api: YouTubeApi,
  session: UploadSession,
  o: Pick<ResumableUploadOptions, 'signal'>,
): Promise<number | VideoResource | 'expired'> {
  const response = await api.call({
    method: 'PUT',
    url: session.sessionUri,
    headers: { 'content-range': `bytes */${session.sizeBytes}`, 'content-length': '0' },
    body: '',
    operation: 'upload status query',
    accept: [308, 404, 410],
    signal: o.signal,
  });
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    return 'expired';
  }
  if (response.status === 308) {
    await response.body?.cancel();
    return rangeEnd(response);
  }
  return (await response.json()) as VideoResource;
}

/** Bytes the server confirms from a 308's `Range: bytes=0-N` (none when absent). */
function rangeEnd(response: Response): number {
  const range = response.headers.get('range');
  const m = range === null ? null : /^bytes=0-(\d+)$/.exec(range);
  return m === null ? 0 : Number(m[1]) + 1;
}

/** Send chunks from `offset` until the server has everything (the video) or confirms less than sent. */
async function sendFrom(
  api: YouTubeApi,
  file: DeliveryFile,
  session: UploadSession,
  offset: number,
  o: ResumableUploadOptions,
): Promise<number | VideoResource> {
  const reader = new ChunkReader(await file.open(offset));
  try {
    let at = offset;
    for (;;) {
      const chunk = await reader.next(Math.min(o.chunkBytes, session.sizeBytes - at));
      if (chunk.length === 0)
        throw Failure.failed(
          'INTEGRITY',
          `"${file.name}" ended at ${at} bytes; its package says ${session.sizeBytes}: the upload was not completed`,
        );
      const response = await api.call({
        method: 'PUT',
        url: session.sessionUri,
        headers: {
          'content-range': `bytes ${at}-${at + chunk.length - 1}/${session.sizeBytes}`,
          'content-length': String(chunk.length),
        },
        body: chunk,
        operation: 'upload chunk',
        accept: [308],
        timeoutMs: o.chunkTimeoutMs,
        signal: o.signal,
      });
      if (response.status !== 308) return (await response.json()) as VideoResource;
      await response.body?.cancel();
      const confirmed = rangeEnd(response);
      // The server kept less than was sent: continue from what it confirms.
      if (confirmed !== at + chunk.length) return confirmed;
      at = confirmed;
    }
  } finally {
    reader.close();
  }
}

/** Reads a stream in chunks of exactly the size asked for (less only at its end); memory is one chunk. */
class ChunkReader {
  readonly #iterator: AsyncIterator<Buffer>;
  #pending: Buffer = Buffer.alloc(0);
  #ended = false;

  constructor(private readonly stream: Readable) {
    this.#iterator = stream[Symbol.asyncIterator]();
  }

  async next(size: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < size) {
      if (this.#pending.length === 0) {
        if (this.#ended) break;
        const { value, done } = await this.#iterator.next();
        if (done === true) {
          this.#ended = true;
          break;
        }
        this.#pending = Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array);
      }
      const take = Math.min(size - have, this.#pending.length);
      parts.push(this.#pending.subarray(0, take));
      this.#pending = this.#pending.subarray(take);
      have += take;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, have);
  }

  close(): void {
    this.stream.destroy();
  }
}
