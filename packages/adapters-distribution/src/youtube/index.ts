/**
 * YouTube (Data API v3, over fetch): resumable uploads that survive interruptions and never make a
 * second video, read-modify-write metadata updates, custom thumbnails, caption tracks, scheduled
 * publishing while private, deletion or unpublishing, and processing confirmed by polling. OAuth
 * 2.0 refresh-token grant with the host's token store; quota and upload limits park the work until
 * they reset; rate limits and server errors are retryable.
 *
 * @module
 */
import { ClockSchema, LoggerSchema, parseOptions, systemClock } from '@framewise/core/adapter-kit';
import type { DistributionAdapter } from '@framewise/core/delivery';
import { z } from 'zod';
import { YouTubeAdapter } from './adapter.js';
import type { YouTubeTokenStore } from './tokens.js';
import { UPLOAD_CHUNK_UNIT } from './upload.js';

export { nextQuotaReset } from './api.js';
export { type YouTubeFields, YouTubeFieldsSchema, youtubeMetadataFields } from './fields.js';
export { memoryTokenStore, type YouTubeTokenStore, type YouTubeTokens } from './tokens.js';
export { UPLOAD_CHUNK_UNIT, type UploadSession } from './upload.js';

const isFunction = (v: unknown) => typeof v === 'function';

/** Options of {@link createYouTubeEndpoint}. */
export const YouTubeEndpointOptionsSchema = z.strictObject({
  /** The OAuth client of your Google Cloud project. */
  clientId: z.string().min(1).max(300),
  clientSecret: z.string().min(1).max(300),
  /** Where the channel's refresh token and access tokens are kept (see `memoryTokenStore`). */
  tokens: z.custom<YouTubeTokenStore>(
    (v) => isFunction((v as YouTubeTokenStore)?.load) && isFunction((v as YouTubeTokenStore)?.save),
    'must be a token store with load() and save()',
  ),
  apiBaseUrl: z.string().url().default('https://www.googleapis.com'),
  tokenUrl: z.string().url().default('https://oauth2.googleapis.com/token'),
  /** Category of new videos when the fields give none (`22`, People & Blogs, is YouTube's default). */
  categoryId: z
    .string()
    .regex(/^\d{1,3}$/)
    .default('22'),
  /** Privacy of new videos when the fields give none (a `publishAt` makes them private until then). */
  privacyStatus: z.enum(['public', 'unlisted', 'private']).default('public'),
  /** Bytes per upload request: a multiple of 256 KiB (default 8 MiB). Memory use is one chunk. */
  chunkBytes: z
    .number()
    .int()
    .min(UPLOAD_CHUNK_UNIT)
    .max(1024 * UPLOAD_CHUNK_UNIT)
    .refine((n) => n % UPLOAD_CHUNK_UNIT === 0, 'must be a multiple of 256 KiB (262144 bytes)')
    .default(32 * UPLOAD_CHUNK_UNIT),
  /** Interruptions one call resumes from before answering `retry` (default 5). */
  maxInterruptions: z.number().int().min(0).max(100).default(5),
  /** First wait before resuming after an interruption, doubling each time (default 1 s). */
  resumeDelayMs: z.number().int().min(0).max(600_000).default(1000),
  /** Timeout of a metadata request (default 60 s). */
  timeoutMs: z.number().int().positive().default(60_000),
  /** Timeout of one upload chunk (default 10 min). */
  chunkTimeoutMs: z.number().int().positive().default(600_000),
  /** A fetch implementation (default the global one). */
  fetch: z.custom<typeof fetch>(isFunction, 'must be a fetch function').optional(),
  /** The clock (default: the system clock), for token expiry and quota resets. */
  clock: ClockSchema.optional(),
  /** Where resumed uploads are logged (info); default: nowhere. */
  logger: LoggerSchema.optional(),
});
/** Options of {@link createYouTubeEndpoint}. */
export type YouTubeEndpointOptions = z.input<typeof YouTubeEndpointOptionsSchema>;

/**
 * A YouTube channel as a distribution endpoint. No request is made until the first delivery.
 *
 * @example
 * ```ts
 * const youtube = createYouTubeEndpoint({
 *   clientId: process.env.YOUTUBE_CLIENT_ID!,
 *   clientSecret: process.env.YOUTUBE_CLIENT_SECRET!,
 *   tokens: memoryTokenStore({ refreshToken: process.env.YOUTUBE_REFRESH_TOKEN! }),
 *   categoryId: '24',
 * });
 * ```
 */
export function createYouTubeEndpoint(options: YouTubeEndpointOptions): DistributionAdapter {
  const o = parseOptions(YouTubeEndpointOptionsSchema, options, 'YouTube endpoint options');
  const { clock = systemClock, ...rest } = o;
  return new YouTubeAdapter({
    ...rest,
    fetch: o.fetch ?? globalThis.fetch,
    now: () => clock.now(),
  });
}
