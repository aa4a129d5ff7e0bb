/**
 * A local YouTube Data API v3 server for the YouTube adapter's tests — nothing real can run here,
 * so this answers the documented protocol on loopback: the OAuth 2.0 token endpoint (refresh-token
 * grant), resumable video uploads (session URI in `Location`, `Content-Range` chunks in multiples
 * of 256 KiB, `308 Resume Incomplete` with `Range`, `bytes * /total` status queries), videos
 * list/update/delete, thumbnails.set, captions insert/update/delete/list (multipart/related),
 * daily quota with the documented unit costs, and Google's JSON error envelope with `reason`.
 *
 * Faults are injected per route: an HTTP status with a documented reason, or the connection
 * dropped after a number of body bytes (the server keeps what it received, in 256 KiB units, as
 * Google's upload servers do). Every request and every upload chunk is logged, so tests can
 * assert byte counts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Route names, for fault injection and the request log. */
export type YouTubeRoute =
  | 'token'
  | 'videos.insert'
  | 'upload.chunk'
  | 'upload.status'
  | 'videos.list'
  | 'videos.update'
  | 'videos.delete'
  | 'thumbnails.set'
  | 'captions.insert'
  | 'captions.update'
  | 'captions.delete'
  | 'captions.list';

/** A fault the server applies to the next matching requests. */
export type YouTubeFault =
  | {
      readonly route: YouTubeRoute;
      readonly kind: 'error';
      /** A documented error: its status and domain are the API's. */
      readonly reason:
        | 'quotaExceeded'
        | 'uploadLimitExceeded'
        | 'rateLimitExceeded'
        | 'userRateLimitExceeded'
        | 'backendError'
        | 'serviceUnavailable'
        | 'tooManyRequests'
        | 'forbidden';
      readonly retryAfterSeconds?: number;
      readonly times?: number;
    }
  | {
      readonly route: YouTubeRoute;
      /** Destroy the connection after this many request body bytes. */
      readonly kind: 'drop';
      readonly afterBytes: number;
      readonly times?: number;
    }
  | {
      readonly route: YouTubeRoute;
      /** Do the work, then destroy the connection instead of answering (the answer is lost). */
      readonly kind: 'drop-response';
      readonly times?: number;
    };

/** One request the server answered. */
export interface YouTubeRequestLog {
  readonly route: YouTubeRoute | 'unknown';
  readonly method: string;
  readonly status: number | 'dropped';
}

/** One PUT of upload bytes to a session. */
export interface YouTubeChunkLog {
  readonly sessionId: string;
  /** First byte offset the client declared in `Content-Range`. */
  readonly start: number;
  /** Body bytes that arrived (all of them unless the connection was dropped). */
  readonly received: number;
  /** The server's confirmed offset before this chunk. */
  readonly committedBefore: number;
}

/** A video as the server holds it (the API's resource shape). */
export interface FakeVideo {
  readonly id: string;
  snippet: Record<string, unknown>;
  status: Record<string, unknown>;
  processingDetails: { processingStatus: string };
  /** SHA-256 and size of the uploaded bytes. */
  readonly media: { readonly sha256: string; readonly sizeBytes: number; readonly contentType: string };
  thumbnail?: { readonly sha256: string; readonly contentType: string };
  /** list calls left before processing completes. */
  pollsUntilProcessed: number;
  /** Public or unlisted at some time (a `publishAt` can then no longer be set). */
  everPublished: boolean;
}

/** A caption track as the server holds it. */
export interface FakeCaption {
  readonly id: string;
  snippet: Record<string, unknown>;
  sha256: string;
  body: string;
}

/** Options of {@link startYouTubeServer}. */
export interface YouTubeServerOptions {
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly refreshToken?: string;
  /** Access token lifetime (default 3600 s). */
  readonly tokenTtlSeconds?: number;
  /** Daily quota in units (default 10 000, the API's default). */
  readonly dailyQuota?: number;
  /** `videos.list` calls before a new upload reports `processed` (default 1). */
  readonly processingPolls?: number;
  /** The server's clock, for `publishAt` (default `Date.now`). */
  readonly now?: () => number;
}

/** The running server. */
export interface YouTubeServer {
  readonly host: string;
  readonly port: number;
  /** Base URL for API calls (`http://127.0.0.1:port`): pass as the adapter's `apiBaseUrl`. */
  readonly baseUrl: string;
  /** The token endpoint URL. */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
  readonly videos: Map<string, FakeVideo>;
  readonly captions: Map<string, FakeCaption>;
  readonly requests: YouTubeRequestLog[];
  readonly chunks: YouTubeChunkLog[];
  /** Quota units used today. */
  readonly quotaUsed: () => number;
  /** Apply a fault to the next matching requests (once unless `times`). */
  inject(fault: YouTubeFault): void;
  /** Make every access token issued so far invalid (as on revocation or expiry). */
  expireAccessTokens(): void;
  /** Refuse the refresh token from now on (`invalid_grant`). */
  revokeRefreshToken(): void;
  resetQuota(): void;
  /** Stop answering (connections are destroyed); state is kept for `start`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** 256 KiB: the unit of resumable upload chunks and of what the server confirms. */
export const UPLOAD_UNIT = 256 * 1024;

/** Quota cost of each route in units, as documented (upload costs are charged on insert). */
const COST: Partial<Record<YouTubeRoute, number>> = {
  'videos.insert': 1600,
  'videos.list': 1,
  'videos.update': 50,
  'videos.delete': 50,
  'thumbnails.set': 50,
  'captions.insert': 400,
  'captions.update': 450,
  'captions.delete': 50,
  'captions.list': 50,
};

const ERRORS: Record<string, { status: number; domain: string; message: string }> = {
  quotaExceeded: {
    status: 403,
    domain: 'youtube.quota',
    message: 'The request cannot be completed because you have exceeded your quota.',
  },
  uploadLimitExceeded: {
    status: 400,
    domain: 'youtube.video',
    message: 'The user has exceeded the number of videos they may upload.',
  },
  rateLimitExceeded: { status: 403, domain: 'usageLimits', message: 'Rate Limit Exceeded' },
  userRateLimitExceeded: { status: 403, domain: 'usageLimits', message: 'User Rate Limit Exceeded' },
  backendError: { status: 500, domain: 'global', message: 'Backend Error' },
  serviceUnavailable: { status: 503, domain: 'global', message: 'Service unavailable' },
  tooManyRequests: { status: 429, domain: 'global', message: 'Too many requests' },
  forbidden: { status: 403, domain: 'global', message: 'Forbidden' },
};

const CATEGORIES = new Set(['1', '2', '10', '15', '17', '19', '20', '22', '23', '24', '25', '26', '27', '28', '29']);
const PRIVACY = new Set(['public', 'unlisted', 'private']);
const SNIPPET_MUTABLE = ['title', 'description', 'tags', 'categoryId', 'defaultLanguage', 'defaultAudioLanguage'];
const STATUS_MUTABLE = [
  'privacyStatus',
  'embeddable',
  'license',
  'publicStatsViewable',
  'publishAt',
  'selfDeclaredMadeForKids',
  'containsSyntheticMedia',
];

interface Session {
  readonly id: string;
  readonly total: number;
  readonly contentType: string;
  readonly resource: { snippet: Record<string, unknown>; status: Record<string, unknown> };
  readonly parts: Buffer[];
  committed: number;
  videoId?: string;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly domain = 'youtube.api',
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const newId = (length: number) => randomBytes(length).toString('base64url').slice(0, length);

/**
 * Start the local YouTube server on a loopback port.
 *
 * @example
 * ```ts
 * const youtube = await startYouTubeServer();
 * youtube.inject({ route: 'upload.chunk', kind: 'drop', afterBytes: 600_000 });
 * ```
 */
export async function startYouTubeServer(options: YouTubeServerOptions = {}): Promise<YouTubeServer> {
  const clientId = options.clientId ?? 'framewise-test.apps.googleusercontent.com';
  const clientSecret = options.clientSecret ?? newId(24);
  let refreshToken = options.refreshToken ?? `1//${newId(40)}`;
  const now = options.now ?? Date.now;
  const tokens = new Map<string, number>();
  const sessions = new Map<string, Session>();
  const videos = new Map<string, FakeVideo>();
  const captions = new Map<string, FakeCaption>();
  const requests: YouTubeRequestLog[] = [];
  const chunks: YouTubeChunkLog[] = [];
  const faults: (YouTubeFault & { left: number })[] = [];
  const sockets = new Set<Socket>();
  let quotaUsed = 0;
  let port = 0;

  const charge = (route: YouTubeRoute) => {
    const cost = COST[route] ?? 0;
    if (quotaUsed + cost > (options.dailyQuota ?? 10_000)) throw documented('quotaExceeded');
    quotaUsed += cost;
  };
  const documented = (reason: string, retryAfterSeconds?: number) => {
    const e = ERRORS[reason] as { status: number; domain: string; message: string };
    return new ApiError(e.status, reason, e.message, e.domain, retryAfterSeconds);
  };
  const takeFault = (route: YouTubeRoute) => {
    const index = faults.findIndex((f) => f.route === route);
    if (index < 0) return undefined;
    const fault = faults[index] as YouTubeFault & { left: number };
    fault.left -= 1;
    if (fault.left <= 0) faults.splice(index, 1);
    return fault;
  };
  const authorize = (req: IncomingMessage) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expires = token === undefined ? undefined : tokens.get(token);
    if (expires === undefined || expires <= now())
      throw new ApiError(401, 'authError', 'Request had invalid authentication credentials.', 'global');
  };
  const publishDue = (video: FakeVideo) => {
    const at = video.status.publishAt;
    if (typeof at === 'string' && Date.parse(at) <= now() && video.status.privacyStatus === 'private') {
      video.status.privacyStatus = 'public';
      video.everPublished = true;
      delete video.status.publishAt;
      video.snippet.publishedAt = new Date(now()).toISOString();
    }
  };
  const checkResource = (
    snippet: Record<string, unknown>,
    status: Record<string, unknown>,
    wasPublished: boolean,
  ): void => {
    const title = snippet.title;
    if (typeof title !== 'string' || title.trim() === '')
      throw new ApiError(400, 'invalidTitle', 'The request must specify a video title.');
    if ([...title].length > 100 || /[<>]/.test(title))
      throw new ApiError(400, 'invalidTitle', 'The request metadata specifies an invalid video title.');
    const description = snippet.description;
    if (
      description !== undefined &&
      (Buffer.byteLength(String(description)) > 5000 || /[<>]/.test(String(description)))
    )
      throw new ApiError(400, 'invalidDescription', 'The request metadata specifies an invalid video description.');
    if (!CATEGORIES.has(String(snippet.categoryId)))
      throw new ApiError(400, 'invalidCategoryId', 'The snippet.categoryId property specifies an invalid category ID.');
    const tags = snippet.tags;
    if (tags !== undefined && (!Array.isArray(tags) || tags.map(String).join(',').length > 500))
      throw new ApiError(400, 'invalidTags', 'The request metadata specifies invalid video keywords.');
    if (status.privacyStatus !== undefined && !PRIVACY.has(String(status.privacyStatus)))
      throw new ApiError(400, 'invalidVideoMetadata', 'The request metadata is invalid.');
    if (status.publishAt !== undefined) {
      if (status.privacyStatus !== 'private' || wasPublished || Number.isNaN(Date.parse(String(status.publishAt))))
        throw new ApiError(
          400,
          'invalidPublishAt',
          'The request metadata specifies an invalid scheduled publishing time.',
        );
    }
  };
  const videoOut = (video: FakeVideo, parts: string[]) => {
    const out: Record<string, unknown> = {
      kind: 'youtube#video',
      etag: sha256(JSON.stringify(video)).slice(0, 27),
      id: video.id,
    };
    if (parts.includes('snippet')) out.snippet = video.snippet;
    if (parts.includes('status')) out.status = video.status;
    if (parts.includes('processingDetails')) out.processingDetails = video.processingDetails;
    return out;
  };
  const finishUpload = (session: Session): FakeVideo => {
    const body = Buffer.concat(session.parts);
    const id = newId(11);
    const video: FakeVideo = {
      id,
      snippet: {
        ...session.resource.snippet,
        publishedAt: new Date(now()).toISOString(),
        channelId: 'UCframewiseTestChannel0000',
        channelTitle: 'Framewise test channel',
        thumbnails: {},
        liveBroadcastContent: 'none',
      },
      status: {
        privacyStatus: 'public',
        license: 'youtube',
        embeddable: true,
        publicStatsViewable: true,
        ...session.resource.status,
        uploadStatus: 'uploaded',
      },
      processingDetails: { processingStatus: 'processing' },
      media: { sha256: sha256(body), sizeBytes: body.length, contentType: session.contentType },
      pollsUntilProcessed: options.processingPolls ?? 1,
      everPublished: false,
    };
    video.everPublished = video.status.privacyStatus !== 'private';
    videos.set(id, video);
    session.videoId = id;
    session.parts.length = 0;
    return video;
  };
  const silenced = new WeakSet<ServerResponse>();
  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    if (silenced.has(res)) {
      res.socket?.destroy();
      return;
    }
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...(text === '' ? {} : { 'content-type': 'application/json; charset=UTF-8' }),
      'content-length': String(Buffer.byteLength(text)),
      ...headers,
    });
    res.end(text);
  };
  /** The request body; with `dropAfter`, the connection is destroyed once that many bytes arrived. */
  const readBody = (req: IncomingMessage, dropAfter?: number) =>
    new Promise<{ body: Buffer; dropped: boolean }>((resolve, reject) => {
      const parts: Buffer[] = [];
      let received = 0;
      let done = false;
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        parts.push(chunk);
        received += chunk.length;
        if (dropAfter !== undefined && received >= dropAfter) {
          done = true;
          req.socket.destroy();
          resolve({ body: Buffer.concat(parts), dropped: true });
        }
      });
      req.on('end', () => {
        if (!done) resolve({ body: Buffer.concat(parts), dropped: false });
      });
      req.on('error', (e) => (done ? undefined : reject(e)));
      req.on('close', () => {
        if (!done && !req.complete) {
          done = true;
          resolve({ body: Buffer.concat(parts), dropped: true });
        }
      });
    });
  const json = async (req: IncomingMessage) => {
    const text = (await readBody(req)).body.toString('utf8');
    try {
      return (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
    } catch {
      throw new ApiError(400, 'parseError', 'The request body is not valid JSON.', 'global');
    }
  };

  const routeOf = (method: string, path: string, url: URL): YouTubeRoute | 'unknown' => {
    if (path === '/token' && method === 'POST') return 'token';
    if (path === '/upload/youtube/v3/videos') {
      if (method === 'POST') return 'videos.insert';
      if (method === 'PUT') return url.searchParams.has('upload_id') ? 'upload.chunk' : 'unknown';
    }
    if (path === '/youtube/v3/videos')
      return method === 'GET'
        ? 'videos.list'
        : method === 'PUT'
          ? 'videos.update'
          : method === 'DELETE'
            ? 'videos.delete'
            : 'unknown';
    if (path === '/upload/youtube/v3/thumbnails/set' && method === 'POST') return 'thumbnails.set';
    if (path === '/upload/youtube/v3/captions')
      return method === 'POST' ? 'captions.insert' : method === 'PUT' ? 'captions.update' : 'unknown';
    if (path === '/youtube/v3/captions')
      return method === 'GET' ? 'captions.list' : method === 'DELETE' ? 'captions.delete' : 'unknown';
    return 'unknown';
  };

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    route: YouTubeRoute | 'unknown',
  ): Promise<YouTubeRequestLog['status']> => {
    if (route === 'unknown') throw new ApiError(404, 'notFound', 'Not Found', 'global');
    const fault = takeFault(route);
    if (fault?.kind === 'error') throw documented(fault.reason, fault.retryAfterSeconds);
    if (fault?.kind === 'drop-response') silenced.add(res);

    if (route === 'token') {
      const form = new URLSearchParams((await readBody(req)).body.toString('utf8'));
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
        send(res, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
        return 401;
      }
      if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== refreshToken) {
        send(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
        return 400;
      }
      const token = `ya29.${newId(60)}`;
      const ttl = options.tokenTtlSeconds ?? 3600;
      tokens.set(token, now() + ttl * 1000);
      send(res, 200, {
        access_token: token,
        expires_in: ttl,
        scope: 'https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.force-ssl',
        token_type: 'Bearer',
      });
      return 200;
    }

    authorize(req);

    if (route === 'videos.insert') {
      const total = Number(req.headers['x-upload-content-length']);
      const contentType = String(req.headers['x-upload-content-type'] ?? 'application/octet-stream');
      if (!Number.isSafeInteger(total) || total <= 0)
        throw new ApiError(400, 'badContent', 'X-Upload-Content-Length must give the size of the video.');
      if (!/^video\/|^application\/octet-stream$/.test(contentType))
        throw new ApiError(400, 'invalidContentType', 'The uploaded file is not a video.');
      const resource = (await json(req)) as {
        snippet?: Record<string, unknown>;
        status?: Record<string, unknown>;
      };
      checkResource(resource.snippet ?? {}, resource.status ?? {}, false);
      charge(route);
      const id = newId(32);
      sessions.set(id, {
        id,
        total,
        contentType,
        resource: { snippet: resource.snippet ?? {}, status: resource.status ?? {} },
        parts: [],
        committed: 0,
      });
      const location = `http://127.0.0.1:${port}/upload/youtube/v3/videos?uploadType=resumable&part=${encodeURIComponent(url.searchParams.get('part') ?? 'snippet,status')}&upload_id=${id}`;
      send(res, 200, undefined, { location });
      return 200;
    }

    if (route === 'upload.chunk' || route === 'upload.status') {
      const session = sessions.get(url.searchParams.get('upload_id') ?? '');
      if (session === undefined)
        throw new ApiError(404, 'notFound', 'The upload session was not found or has expired.');
      const range = String(req.headers['content-range'] ?? '');
      const incomplete = (status = 308) => {
        send(res, status, undefined, session.committed > 0 ? { range: `bytes=0-${session.committed - 1}` } : {});
        return status;
      };
      const complete = () => {
        const video = videos.get(session.videoId as string);
        if (video === undefined)
          throw new ApiError(404, 'notFound', 'The upload session was not found or has expired.');
        send(res, 200, videoOut(video, ['snippet', 'status']));
        return 200;
      };
      if (route === 'upload.status') {
        await readBody(req);
        if (range !== `bytes */${session.total}`)
          throw new ApiError(400, 'badRequest', `Content-Range "${range}" does not name the upload's size.`);
        return session.videoId === undefined ? incomplete() : complete();
      }
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range);
      if (m === null) throw new ApiError(400, 'badRequest', `Content-Range "${range}" is malformed.`);
      const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (session.videoId !== undefined) {
        await readBody(req);
        return complete();
      }
      if (total !== session.total || end >= total || end < start)
        throw new ApiError(
          400,
          'badRequest',
          `Content-Range "${range}" does not fit the upload of ${session.total} bytes.`,
        );
      if (start !== session.committed)
        throw new ApiError(
          400,
          'badRequest',
          `Content-Range starts at ${start}; the server has ${session.committed} bytes.`,
        );
      const length = end - start + 1;
      if (end !== total - 1 && length % UPLOAD_UNIT !== 0)
        throw new ApiError(400, 'badRequest', `A chunk of ${length} bytes is not a multiple of 256 KiB.`);
      const committedBefore = session.committed;
      const { body, dropped } = await readBody(req, fault?.kind === 'drop' ? fault.afterBytes : undefined);
      chunks.push({ sessionId: session.id, start, received: body.length, committedBefore });
      if (dropped) {
        // The connection is gone: keep what arrived, in whole 256 KiB units.
        const keep = Math.min(Math.floor(body.length / UPLOAD_UNIT) * UPLOAD_UNIT, length);
        session.parts.push(body.subarray(0, keep));
        session.committed += keep;
        if (session.committed === session.total) finishUpload(session);
        return 'dropped';
      }
      if (body.length !== length)
        throw new ApiError(400, 'badRequest', `Content-Range declares ${length} bytes; the body has ${body.length}.`);
      session.parts.push(body);
      session.committed += length;
      if (session.committed < session.total) return incomplete();
      finishUpload(session);
      return complete();
    }

    if (route === 'videos.list') {
      charge(route);
      const parts = (url.searchParams.get('part') ?? '').split(',');
      const ids = (url.searchParams.get('id') ?? '').split(',').filter(Boolean);
      const items = ids.flatMap((id) => {
        const video = videos.get(id);
        if (video === undefined) return [];
        publishDue(video);
        if (video.pollsUntilProcessed > 0) video.pollsUntilProcessed -= 1;
        else if (video.status.uploadStatus === 'uploaded') {
          video.status.uploadStatus = 'processed';
          video.processingDetails.processingStatus = 'succeeded';
        }
        return [videoOut(video, parts)];
      });
      send(res, 200, {
        kind: 'youtube#videoListResponse',
        items,
        pageInfo: { totalResults: items.length, resultsPerPage: items.length },
      });
      return 200;
    }

    if (route === 'videos.update') {
      const parts = (url.searchParams.get('part') ?? '').split(',');
      const body = (await json(req)) as {
        id?: string;
        snippet?: Record<string, unknown>;
        status?: Record<string, unknown>;
      };
      const video = videos.get(body.id ?? '');
      if (video === undefined)
        throw new ApiError(404, 'videoNotFound', 'The video that you are trying to update cannot be found.');
      publishDue(video);
      const snippet = parts.includes('snippet') ? (body.snippet ?? {}) : video.snippet;
      const status = parts.includes('status') ? (body.status ?? {}) : video.status;
      const { publishAt, ...rest } = status;
      checkResource(snippet, publishAt === video.status.publishAt ? rest : status, video.everPublished);
      charge(route);
      // An update replaces every mutable property of each part it names.
      if (parts.includes('snippet'))
        for (const key of SNIPPET_MUTABLE) {
          if (snippet[key] === undefined) delete video.snippet[key];
          else video.snippet[key] = snippet[key];
        }
      if (parts.includes('status'))
        for (const key of STATUS_MUTABLE) {
          if (status[key] === undefined) delete video.status[key];
          else video.status[key] = status[key];
        }
      if (video.status.privacyStatus !== 'private') video.everPublished = true;
      send(res, 200, videoOut(video, parts));
      return 200;
    }

    if (route === 'videos.delete') {
      const id = url.searchParams.get('id') ?? '';
      if (!videos.has(id))
        throw new ApiError(404, 'videoNotFound', 'The video that you are trying to delete cannot be found.');
      charge(route);
      videos.delete(id);
      for (const [captionId, caption] of captions) if (caption.snippet.videoId === id) captions.delete(captionId);
      send(res, 204);
      return 204;
    }

    if (route === 'thumbnails.set') {
      const video = videos.get(url.searchParams.get('videoId') ?? '');
      const contentType = String(req.headers['content-type'] ?? '');
      const { body } = await readBody(req);
      if (video === undefined)
        throw new ApiError(
          404,
          'videoNotFound',
          'The video that you are trying to insert a thumbnail image for cannot be found.',
        );
      if (!/^image\/(jpeg|png)$/.test(contentType))
        throw new ApiError(400, 'invalidImage', 'The provided image content is invalid.');
      if (body.length > 2 * 1024 * 1024) throw new ApiError(400, 'mediaBodyTooLarge', 'The image is larger than 2 MB.');
      charge(route);
      video.thumbnail = { sha256: sha256(body), contentType };
      send(res, 200, {
        kind: 'youtube#thumbnailSetResponse',
        items: [{ default: { url: `https://i.ytimg.com/vi/${video.id}/default.jpg`, width: 120, height: 90 } }],
      });
      return 200;
    }

    if (route === 'captions.insert' || route === 'captions.update') {
      const { body } = await readBody(req);
      const { metadata, media } = multipartRelated(String(req.headers['content-type'] ?? ''), body);
      if (route === 'captions.insert') {
        const snippet = (metadata.snippet ?? {}) as Record<string, unknown>;
        const video = videos.get(String(snippet.videoId));
        if (video === undefined)
          throw new ApiError(404, 'videoNotFound', 'The video identified by the videoId parameter could not be found.');
        if (typeof snippet.language !== 'string' || snippet.language === '')
          throw new ApiError(
            400,
            'invalidMetadata',
            'The request contains invalid metadata values: snippet.language is missing.',
          );
        const name = String(snippet.name ?? '');
        for (const c of captions.values())
          if (c.snippet.videoId === video.id && c.snippet.language === snippet.language && c.snippet.name === name)
            throw new ApiError(409, 'captionExists', 'The specified caption track already exists.', 'youtube.caption');
        charge(route);
        const caption: FakeCaption = {
          id: newId(44),
          snippet: {
            videoId: video.id,
            language: snippet.language,
            name,
            isDraft: snippet.isDraft === true,
            trackKind: 'standard',
            status: 'serving',
            lastUpdated: new Date(now()).toISOString(),
          },
          sha256: sha256(media),
          body: media.toString('utf8'),
        };
        captions.set(caption.id, caption);
        send(res, 200, { kind: 'youtube#caption', id: caption.id, snippet: caption.snippet });
        return 200;
      }
      const caption = captions.get(String(metadata.id));
      if (caption === undefined) throw new ApiError(404, 'captionNotFound', 'The caption track could not be found.');
      charge(route);
      if (media.length > 0) {
        caption.sha256 = sha256(media);
        caption.body = media.toString('utf8');
      }
      const snippet = (metadata.snippet ?? {}) as Record<string, unknown>;
      if (snippet.isDraft !== undefined) caption.snippet.isDraft = snippet.isDraft === true;
      caption.snippet.lastUpdated = new Date(now()).toISOString();
      send(res, 200, { kind: 'youtube#caption', id: caption.id, snippet: caption.snippet });
      return 200;
    }

    if (route === 'captions.delete') {
      const id = url.searchParams.get('id') ?? '';
      if (!captions.has(id)) throw new ApiError(404, 'captionNotFound', 'The caption track could not be found.');
      charge(route);
      captions.delete(id);
      send(res, 204);
      return 204;
    }

    // captions.list
    charge(route);
    const videoId = url.searchParams.get('videoId') ?? '';
    if (!videos.has(videoId))
      throw new ApiError(404, 'videoNotFound', 'The video identified by the videoId parameter could not be found.');
    const items = [...captions.values()]
      .filter((c) => c.snippet.videoId === videoId)
      .map((c) => ({ kind: 'youtube#caption', id: c.id, snippet: c.snippet }));
    send(res, 200, { kind: 'youtube#captionListResponse', items });
    return 200;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    let route = routeOf(method, url.pathname, url);
    if (route === 'upload.chunk' && /^bytes \*\//.test(String(req.headers['content-range']))) route = 'upload.status';
    handle(req, res, url, route).then(
      (status) => void requests.push({ route, method, status: silenced.has(res) ? 'dropped' : status }),
      (error: unknown) => {
        const e = error instanceof ApiError ? error : new ApiError(500, 'backendError', String(error), 'global');
        if (!res.headersSent && !req.socket.destroyed) {
          req.resume();
          send(
            res,
            e.status,
            {
              error: {
                code: e.status,
                message: e.message,
                errors: [{ message: e.message, domain: e.domain, reason: e.reason }],
              },
            },
            e.retryAfterSeconds === undefined ? {} : { 'retry-after': String(e.retryAfterSeconds) },
          );
        }
        requests.push({ route, method, status: e.status });
      },
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  await listen();
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    host: '127.0.0.1',
    port,
    baseUrl,
    tokenUrl: `${baseUrl}/token`,
    clientId,
    clientSecret,
    get refreshToken() {
      return refreshToken;
    },
    videos,
    captions,
    requests,
    chunks,
    quotaUsed: () => quotaUsed,
    inject: (fault) => void faults.push({ ...fault, left: fault.times ?? 1 }),
    expireAccessTokens: () => tokens.clear(),
    revokeRefreshToken: () => {
      refreshToken = `revoked-${newId(8)}`;
    },
    resetQuota: () => {
      quotaUsed = 0;
    },
    stop: close,
    start: listen,
    destroy: close,
  };
}

/** Split a `multipart/related` body into its JSON metadata part and its media part. */
function multipartRelated(contentType: string, body: Buffer): { metadata: Record<string, unknown>; media: Buffer } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!/^multipart\/related/.test(contentType) || boundary === undefined)
    throw new ApiError(400, 'badContent', 'The request must be multipart/related with a boundary.');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    parts.push(body.subarray(at + delimiter.length, next));
    at = next;
  }
  const [meta, media] = parts.map((part) => {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw new ApiError(400, 'badContent', 'A multipart part has no headers.');
    return part.subarray(split + 4, part.length - 2);
  });
  if (meta === undefined) throw new ApiError(400, 'badContent', 'The multipart body has no metadata part.');
  return { metadata: JSON.parse(meta.toString('utf8')) as Record<string, unknown>, media: media ?? Buffer.alloc(0) };
}
