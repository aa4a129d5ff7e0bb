import type { Logger } from '@framewise/core/adapter-kit';
import type {
  DeliveryChanges,
  DeliveryFile,
  DeliveryPackage,
  DistributionAdapter,
  DistributionContext,
  DistributionOutcome,
} from '@framewise/core/delivery';
import { ConnectionLost, YouTubeApi } from './api.js';
import { deleteCaption, putCaption, setThumbnail } from './extras.js';
import { Failure } from './failure.js';
import {
  mutableOf,
  SNIPPET_MUTABLE,
  STATUS_MUTABLE,
  videoResource,
  type YouTubeFields,
  YouTubeFieldsSchema,
} from './fields.js';
import { AccessTokens, type YouTubeTokenStore } from './tokens.js';
import { confirmedOffset, resumableUpload, savedSession, sessionIn, type VideoResource } from './upload.js';

/** The adapter's settings, parsed (see `YouTubeEndpointOptions`). */
export interface YouTubeSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokens: YouTubeTokenStore;
  readonly apiBaseUrl: string;
  readonly tokenUrl: string;
  readonly categoryId: string;
  readonly privacyStatus: 'public' | 'unlisted' | 'private';
  readonly chunkBytes: number;
  readonly maxInterruptions: number;
  readonly resumeDelayMs: number;
  readonly timeoutMs: number;
  readonly chunkTimeoutMs: number;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly logger?: Logger | undefined;
}

/** Fields of the video Framewise changes when a package field of that name changes. */
const SNIPPET_FIELDS = new Set<string>(SNIPPET_MUTABLE);
const STATUS_FIELDS = new Set<string>(STATUS_MUTABLE);

/** Where the content stands, from a video's status. */
function remoteStateOf(status: Record<string, unknown> | undefined): 'live' | 'scheduled' | 'unpublished' {
  if (status?.privacyStatus === 'private') return status.publishAt === undefined ? 'unpublished' : 'scheduled';
  return 'live';
}

/** What is kept of an answer in the record: ids and states, never tokens or session URIs. */
function summary(video: VideoResource): Record<string, unknown> {
  return {
    videoId: video.id,
    ...(video.status?.uploadStatus === undefined ? {} : { uploadStatus: video.status.uploadStatus }),
    ...(video.status?.privacyStatus === undefined ? {} : { privacyStatus: video.status.privacyStatus }),
    ...(video.status?.publishAt === undefined ? {} : { publishAt: video.status.publishAt }),
  };
}

/** The YouTube distribution adapter; build it with `createYouTubeEndpoint`. */
export class YouTubeAdapter implements DistributionAdapter {
  readonly name = 'youtube';
  readonly capabilities = {
    update: true,
    remoteDelete: true,
    unpublish: true,
    asyncProcessing: true,
    confirmsRemoval: true,
    resumableUpload: true,
    scheduledPublish: true,
  } as const;
  readonly #api: YouTubeApi;

  constructor(private readonly s: YouTubeSettings) {
    const tokens = new AccessTokens({
      clientId: s.clientId,
      clientSecret: s.clientSecret,
      tokenUrl: s.tokenUrl,
      store: s.tokens,
      fetch: s.fetch,
      now: s.now,
      timeoutMs: s.timeoutMs,
    });
    this.#api = new YouTubeApi({ baseUrl: s.apiBaseUrl, tokens, fetch: s.fetch, now: s.now, timeoutMs: s.timeoutMs });
  }

  submit(pkg: DeliveryPackage, ctx: DistributionContext): Promise<DistributionOutcome> {
    return this.#outcome(async () => {
      const fields = this.#fields(pkg);
      const media = this.#media(pkg);
      let videoId = ctx.remoteId;
      let video: VideoResource | undefined;
      if (videoId === undefined) {
        const saved = savedSession(ctx.progress, media);
        if (saved !== undefined)
          this.s.logger?.info(
            { endpoint: 'youtube', assetId: pkg.assetId, file: media.name, sizeBytes: saved.sizeBytes },
            'framewise youtube: resuming upload session',
          );
        video = await resumableUpload(this.#api, media, videoResource(fields, this.s, pkg.publishAt), ctx, {
          chunkBytes: this.s.chunkBytes,
          maxInterruptions: this.s.maxInterruptions,
          resumeDelayMs: this.s.resumeDelayMs,
          chunkTimeoutMs: this.s.chunkTimeoutMs,
          now: this.s.now,
          signal: ctx.signal,
        });
        videoId = video.id;
        // The video exists from here on: its id is saved before anything else can fail.
        await ctx.save({ remoteId: videoId, progress: undefined });
      } else {
        // Submitted again (a retry, a resubmission): bring the video's metadata to the package's.
        video = await this.#writeFields(videoId, pkg, fields, Object.keys(pkg.fields), ctx.signal);
      }
      // Thumbnails and captions not yet at YouTube (all of them, or those a failed attempt left).
      const remoteFiles = await this.#sendFiles(
        videoId,
        pkg,
        fields,
        pkg.files.filter((f) => f.role !== 'media' && ctx.remoteFiles[f.name] === undefined),
        ctx,
      );
      return {
        kind: 'success',
        remoteId: videoId,
        remoteFiles,
        remoteState: 'processing',
        response: summary(video),
      };
    });
  }

  update(pkg: DeliveryPackage, changes: DeliveryChanges, ctx: DistributionContext): Promise<DistributionOutcome> {
    return this.#outcome(async () => {
      const videoId = this.#videoId(ctx);
      const fields = this.#fields(pkg);
      const media = this.#media(pkg);
      if (changes.files.includes(media.name))
        throw Failure.failed(
          'UNSUPPORTED',
          `YouTube cannot replace the media of video ${videoId}: remove it and submit "${pkg.assetId}" again`,
        );
      const video = await this.#writeFields(videoId, pkg, fields, changes.fields, ctx.signal);
      const remoteFiles = await this.#sendFiles(
        videoId,
        pkg,
        fields,
        pkg.files.filter(
          (f) => f.role !== 'media' && (changes.files.includes(f.name) || ctx.remoteFiles[f.name] === undefined),
        ),
        ctx,
      );
      for (const name of changes.removedFiles) {
        const id = ctx.remoteFiles[name];
        if (id !== undefined && !id.startsWith('thumbnail:')) await deleteCaption(this.#api, id, ctx.signal);
      }
      return {
        kind: 'success',
        remoteId: videoId,
        remoteFiles,
        remoteState: remoteStateOf(video.status),
        response: summary(video),
      };
    });
  }

  remove(mode: 'delete' | 'unpublish', ctx: DistributionContext): Promise<DistributionOutcome> {
    return this.#outcome(async () => {
      let videoId = ctx.remoteId;
      if (videoId === undefined) {
        // An upload whose last answer was lost may have made a video: find it before saying none.
        const found = await this.#finishedUpload(ctx);
        if (found === undefined) return { kind: 'success', remoteState: 'removed' };
        videoId = found.id;
        await ctx.save({ remoteId: videoId, progress: undefined });
      }
      if (mode === 'delete') {
        const response = await this.#api.call({
          method: 'DELETE',
          url: '/youtube/v3/videos',
          query: { id: videoId },
          operation: `videos.delete of ${videoId}`,
          accept: [404],
          signal: ctx.signal,
        });
        await response.body?.cancel();
        return {
          kind: 'success',
          remoteId: videoId,
          remoteState: 'removed',
          response: { videoId, deleted: true, alreadyGone: response.status === 404 },
        };
      }
      const video = await this.#write(
        videoId,
        (current) => {
          const status = mutableOf(current.status, STATUS_MUTABLE);
          status.privacyStatus = 'private';
          delete status.publishAt;
          return { snippet: mutableOf(current.snippet, SNIPPET_MUTABLE), status };
        },
        ctx.signal,
      );
      return { kind: 'success', remoteId: videoId, remoteState: 'unpublished', response: summary(video) };
    });
  }

  poll(ctx: DistributionContext): Promise<DistributionOutcome> {
    return this.#outcome(async () => {
      const videoId = ctx.remoteId;
      if (videoId === undefined) {
        const found = await this.#finishedUpload(ctx);
        if (found === undefined) return { kind: 'success', remoteState: 'removed' };
        await ctx.save({ remoteId: found.id, progress: undefined });
        return { kind: 'success', remoteId: found.id, remoteState: 'processing', response: summary(found) };
      }
      const video = await this.#read(videoId, 'status,processingDetails', ctx.signal);
      if (video === undefined)
        return { kind: 'success', remoteId: videoId, remoteState: 'removed', response: { videoId, found: false } };
      const status = video.status ?? {};
      switch (status.uploadStatus) {
        case 'processed':
          return { kind: 'success', remoteId: videoId, remoteState: remoteStateOf(status), response: summary(video) };
        case 'deleted':
          return { kind: 'success', remoteId: videoId, remoteState: 'removed', response: summary(video) };
        case 'failed':
          throw Failure.failed(
            'INVALID_INPUT',
            `YouTube could not process video ${videoId}: ${String(status.failureReason ?? 'no reason given')}`,
          );
        case 'rejected':
          throw Failure.failed(
            'FORBIDDEN',
            `YouTube rejected video ${videoId}: ${String(status.rejectionReason ?? 'no reason given')}`,
          );
        default:
          return { kind: 'success', remoteId: videoId, remoteState: 'processing', response: summary(video) };
      }
    });
  }

  async close(): Promise<void> {
    // Nothing is held between calls: fetch pools its own connections.
  }

  /** Run one operation, turning failures into outcome values. */
  async #outcome(run: () => Promise<DistributionOutcome>): Promise<DistributionOutcome> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof Failure) return error.outcome;
      if (error instanceof ConnectionLost) return { kind: 'retry', afterMs: 0, reason: error.message };
      throw error;
    }
  }

  #fields(pkg: DeliveryPackage): YouTubeFields {
    const parsed = YouTubeFieldsSchema.safeParse(pkg.fields);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(fields)';
    throw Failure.failed(
      'INVALID_INPUT',
      `YouTube field "${field}" of "${pkg.assetId}": ${issue?.message ?? 'invalid'}`,
    );
  }

  #media(pkg: DeliveryPackage): DeliveryFile {
    const media = pkg.files.filter((f) => f.role === 'media');
    if (media.length !== 1)
      throw Failure.failed(
        'INVALID_INPUT',
        `a YouTube package has exactly one media file; "${pkg.assetId}" revision ${pkg.revision} has ${media.length}`,
      );
    return media[0] as DeliveryFile;
  }

  #videoId(ctx: DistributionContext): string {
    if (ctx.remoteId === undefined) throw Failure.failed('NOT_FOUND', 'no YouTube video id is known for this delivery');
    return ctx.remoteId;
  }

  /** The finished video of a saved upload session, if the session completed. */
  async #finishedUpload(ctx: DistributionContext): Promise<VideoResource | undefined> {
    const saved = sessionIn(ctx.progress);
    if (saved === undefined) return undefined;
    const answer = await confirmedOffset(this.#api, saved, { signal: ctx.signal });
    return typeof answer === 'object' ? answer : undefined;
  }

  async #read(videoId: string, part: string, signal: AbortSignal | undefined): Promise<VideoResource | undefined> {
    const list = await this.#api.json<{ items?: VideoResource[] }>({
      method: 'GET',
      url: '/youtube/v3/videos',
      query: { part, id: videoId },
      operation: `videos.list of ${videoId}`,
      signal,
    });
    return list.items?.[0];
  }

  /** Write the package's `changed` fields (and its `publishAt`) over the video's metadata. */
  #writeFields(
    videoId: string,
    pkg: DeliveryPackage,
    fields: YouTubeFields,
    changed: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<VideoResource> {
    const change = (current: VideoResource) => {
      const ours = videoResource(fields, this.s, pkg.publishAt);
      const snippet = mutableOf(current.snippet, SNIPPET_MUTABLE);
      const status = mutableOf(current.status, STATUS_MUTABLE);
      // Only what changed in the package is written over what the video has now.
      for (const field of changed) {
        const [into, from] = SNIPPET_FIELDS.has(field)
          ? [snippet, ours.snippet]
          : STATUS_FIELDS.has(field)
            ? [status, ours.status]
            : [undefined, undefined];
        if (into === undefined || from === undefined) continue;
        if (from[field] === undefined) delete into[field];
        else into[field] = from[field];
      }
      if (pkg.publishAt !== undefined && status.privacyStatus === 'private') status.publishAt = pkg.publishAt;
      else if (pkg.publishAt === undefined && status.publishAt !== undefined) {
        // The sunrise is no longer ahead: publish as the fields say.
        delete status.publishAt;
        status.privacyStatus = ours.status.privacyStatus;
      }
      return { snippet, status };
    };
    return this.#write(videoId, change, signal);
  }

  /**
   * `videos.update` as read-modify-write: an update replaces every mutable property of the parts
   * it names, so the current snippet and status are read first and what Framewise does not manage
   * (tags a producer added in YouTube Studio) is sent back unchanged. Nothing is written when
   * nothing differs.
   */
  async #write(
    videoId: string,
    change: (current: VideoResource) => { snippet: Record<string, unknown>; status: Record<string, unknown> },
    signal: AbortSignal | undefined,
  ): Promise<VideoResource> {
    const current = await this.#read(videoId, 'snippet,status', signal);
    if (current === undefined)
      throw Failure.failed('NOT_FOUND', `YouTube video ${videoId} no longer exists: it was deleted at YouTube`);
    const next = change(current);
    const same =
      JSON.stringify(next.snippet) === JSON.stringify(mutableOf(current.snippet, SNIPPET_MUTABLE)) &&
      JSON.stringify(next.status) === JSON.stringify(mutableOf(current.status, STATUS_MUTABLE));
    if (same) return current;
    return this.#api.json<VideoResource>({
      method: 'PUT',
      url: '/youtube/v3/videos',
      query: { part: 'snippet,status' },
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: JSON.stringify({ id: videoId, ...next }),
      operation: `videos.update of ${videoId}`,
      signal,
    });
  }

  /** Send thumbnails and captions, saving each remote id as soon as it is known. */
  async #sendFiles(
    videoId: string,
    pkg: DeliveryPackage,
    fields: YouTubeFields,
    files: readonly DeliveryFile[],
    ctx: DistributionContext,
  ): Promise<Record<string, string>> {
    const sent: Record<string, string> = {};
    const thumbnails = files.filter((f) => f.role === 'thumbnail');
    if (thumbnails.length > 1 || pkg.files.filter((f) => f.role === 'thumbnail').length > 1)
      throw Failure.failed('INVALID_INPUT', `a YouTube video has one custom thumbnail; "${pkg.assetId}" has several`);
    for (const file of thumbnails) {
      await setThumbnail(this.#api, videoId, file, ctx.signal);
      sent[file.name] = `thumbnail:${videoId}`;
      await ctx.save({ remoteFiles: { [file.name]: sent[file.name] as string } });
    }
    for (const file of files.filter((f) => f.role === 'captions')) {
      const name = fields.captionNames?.[file.language ?? ''] ?? '';
      const id = await putCaption(this.#api, videoId, file, name, ctx.remoteFiles[file.name], ctx.signal);
      sent[file.name] = id;
      await ctx.save({ remoteFiles: { [file.name]: id } });
    }
    return sent;
  }
}
