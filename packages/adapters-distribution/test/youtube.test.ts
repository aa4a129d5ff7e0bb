import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { DeliveryFile, DeliveryPackage, DistributionOutcome } from '@framewise/core/delivery';
import { distributionAdapterConformance, testDistributionContext } from '@framewise/core/testing';
import { startYouTubeServer, UPLOAD_UNIT, type YouTubeServer } from '@framewise/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createYouTubeEndpoint,
  memoryTokenStore,
  nextQuotaReset,
  type YouTubeEndpointOptions,
} from '../src/youtube/index.js';

let server: YouTubeServer;
let clock = Date.parse('2026-11-21T18:00:00Z');
beforeAll(async () => {
  server = await startYouTubeServer({ now: () => clock });
});
afterAll(async () => {
  await server?.destroy();
});
beforeEach(() => {
  server.resetQuota();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function options(extra: Partial<YouTubeEndpointOptions> = {}) {
  const tokens = memoryTokenStore({ refreshToken: server.refreshToken });
  return {
    tokens,
    options: {
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      tokens,
      apiBaseUrl: server.baseUrl,
      tokenUrl: server.tokenUrl,
      chunkBytes: 4 * UPLOAD_UNIT,
      resumeDelayMs: 5,
      clock: { now: () => clock },
      ...extra,
    } satisfies YouTubeEndpointOptions,
  };
}
const endpoint = (extra: Partial<YouTubeEndpointOptions> = {}) => createYouTubeEndpoint(options(extra).options);

function file(role: DeliveryFile['role'], name: string, body: Buffer, extra: Partial<DeliveryFile> = {}): DeliveryFile {
  return {
    role,
    name,
    sizeBytes: body.length,
    sha256: sha256(body),
    open: async (start = 0) => Readable.from([body.subarray(start)]),
    ...extra,
  };
}

function youtubePackage(
  body: Buffer,
  extra: { fields?: Record<string, unknown>; files?: DeliveryFile[]; publishAt?: string; revision?: number } = {},
): DeliveryPackage {
  return {
    assetId: 'lt-101',
    versionId: 'lt-101-master',
    endpointId: 'youtube',
    revision: extra.revision ?? 1,
    fields: { title: 'Low Tide — Episode 1', description: 'The tide goes out.', categoryId: '24', ...extra.fields },
    files: [file('media', 'main', body, { contentType: 'video/mp4' }), ...(extra.files ?? [])],
    ...(extra.publishAt === undefined ? {} : { publishAt: extra.publishAt }),
  };
}

const chunksSince = (from: number) => server.chunks.slice(from);
const routeCount = (route: string, status?: number | 'dropped') =>
  server.requests.filter((r) => r.route === route && (status === undefined || r.status === status)).length;

distributionAdapterConformance('youtube (local YouTube Data API server)', {
  create: () => createYouTubeEndpoint(options({ maxInterruptions: 1 }).options),
  remoteItems: async () => [...server.videos.keys()],
  fetchFile: async (_a, remoteId) => server.videos.get(remoteId)?.media.sha256,
  faults: { down: () => server.stop(), up: () => server.start() },
});

describe('youtube endpoint: resumable upload', () => {
  it('saves the session URI before the first byte, and resumes a dropped chunk from the confirmed offset', async () => {
    const body = randomBytes(3 * 1024 * 1024 + 1000);
    const ctx = testDistributionContext();
    const chunkRequestsAtSave: number[] = [];
    const save = ctx.save.bind(ctx);
    ctx.save = async (update) => {
      if (update.progress !== undefined) chunkRequestsAtSave.push(routeCount('upload.chunk'));
      return save(update);
    };
    const before = server.chunks.length;
    const chunkRequestsBefore = routeCount('upload.chunk');
    const videosBefore = server.videos.size;
    server.inject({ route: 'upload.chunk', kind: 'drop', afterBytes: 700 * 1024 });
    const outcome = await endpoint().submit(youtubePackage(body), ctx);
    expect(outcome).toMatchObject({ kind: 'success', remoteState: 'processing' });
    expect(chunkRequestsAtSave).toEqual([chunkRequestsBefore]);

    const chunks = chunksSince(before);
    // The first chunk was cut after ≥ 700 KiB; the server kept two whole 256 KiB units.
    expect(chunks[0]?.received).toBeGreaterThanOrEqual(700 * 1024);
    expect(chunks[1]?.start).toBe(2 * UPLOAD_UNIT);
    // No chunk starts before what the server had confirmed: confirmed bytes are never sent again.
    for (const c of chunks) expect(c.start).toBe(c.committedBefore);
    const resent = chunks[0] === undefined ? 0 : chunks[0].received - 2 * UPLOAD_UNIT;
    expect(chunks.reduce((n, c) => n + c.received, 0)).toBe(body.length + resent);
    expect(server.videos.size).toBe(videosBefore + 1);
    const video = server.videos.get((outcome as { remoteId: string }).remoteId);
    expect(video?.media).toMatchObject({ sha256: sha256(body), sizeBytes: body.length });
    expect(ctx.remoteId).toBe(video?.id);
    expect(ctx.progress).toBeUndefined();
  });

  it('answers retry when interruptions outlast one call, and the next call (another process) continues the same session', async () => {
    const body = randomBytes(2 * 1024 * 1024);
    const ctx = testDistributionContext();
    const before = server.chunks.length;
    const videosBefore = server.videos.size;
    server.inject({ route: 'upload.chunk', kind: 'drop', afterBytes: 5 * UPLOAD_UNIT + 10, times: 1 });
    const first = await endpoint({ maxInterruptions: 0, chunkBytes: 8 * UPLOAD_UNIT }).submit(
      youtubePackage(body),
      ctx,
    );
    expect(first.kind).toBe('retry');
    expect(ctx.progress).toMatchObject({ kind: 'youtube-resumable-upload', sizeBytes: body.length });
    const second = await endpoint({ chunkBytes: 8 * UPLOAD_UNIT }).submit(youtubePackage(body), ctx);
    expect(second).toMatchObject({ kind: 'success' });
    const chunks = chunksSince(before);
    expect(chunks.map((c) => c.start)).toEqual([0, 5 * UPLOAD_UNIT]);
    expect(chunks[1]?.received).toBe(body.length - 5 * UPLOAD_UNIT);
    expect(server.videos.size).toBe(videosBefore + 1);
  });

  it('never makes a second video when the answer to the last chunk is lost, in the same call or the next', async () => {
    for (const maxInterruptions of [5, 0]) {
      const body = randomBytes(UPLOAD_UNIT + 77);
      const ctx = testDistributionContext();
      const videosBefore = server.videos.size;
      const inserts = routeCount('videos.insert');
      server.inject({ route: 'upload.chunk', kind: 'drop-response' });
      let outcome = await endpoint({ maxInterruptions }).submit(youtubePackage(body), ctx);
      if (maxInterruptions === 0) {
        expect(outcome.kind).toBe('retry');
        expect(server.videos.size).toBe(videosBefore + 1);
        outcome = await endpoint().submit(youtubePackage(body), ctx);
      }
      expect(outcome).toMatchObject({ kind: 'success' });
      expect(server.videos.size).toBe(videosBefore + 1);
      expect(routeCount('videos.insert')).toBe(inserts + 1);
      expect(server.videos.get(ctx.remoteId as string)?.media.sha256).toBe(sha256(body));
    }
  });

  it('rides out 503s and 500s by asking the session what it has', async () => {
    const body = randomBytes(3 * 4 * UPLOAD_UNIT);
    const errors = routeCount('upload.chunk', 503) + routeCount('upload.chunk', 500);
    server.inject({ route: 'upload.chunk', kind: 'error', reason: 'serviceUnavailable', times: 2 });
    server.inject({ route: 'upload.status', kind: 'error', reason: 'backendError' });
    const before = server.chunks.length;
    const outcome = await endpoint().submit(youtubePackage(body), testDistributionContext());
    expect(outcome).toMatchObject({ kind: 'success' });
    expect(routeCount('upload.chunk', 503) + routeCount('upload.chunk', 500)).toBe(errors + 2);
    expect(chunksSince(before).reduce((n, c) => n + c.received, 0)).toBe(body.length);
  });

  it('starts a new session when the saved one has expired, or was for other bytes', async () => {
    const body = randomBytes(UPLOAD_UNIT);
    const ctx = testDistributionContext();
    await ctx.save({
      progress: {
        kind: 'youtube-resumable-upload',
        sessionUri: `${server.baseUrl}/upload/youtube/v3/videos?uploadType=resumable&upload_id=gone`,
        sizeBytes: body.length,
        sha256: sha256(body),
        startedAt: new Date(clock).toISOString(),
      },
    });
    const outcome = await endpoint().submit(youtubePackage(body), ctx);
    expect(outcome).toMatchObject({ kind: 'success' });
    expect(server.videos.get(ctx.remoteId as string)?.media.sha256).toBe(sha256(body));
  });
});

describe('youtube endpoint: limits, errors and tokens', () => {
  it('parks work on quotaExceeded until midnight Pacific Time, and on uploadLimitExceeded for 24 hours', async () => {
    server.inject({ route: 'videos.insert', kind: 'error', reason: 'quotaExceeded' });
    const quota = await endpoint().submit(youtubePackage(randomBytes(1000)), testDistributionContext());
    // 18:00 UTC on 21 November is 10:00 PST: the quota resets at 08:00 UTC on 22 November.
    expect(quota).toMatchObject({ kind: 'parked', until: '2026-11-22T08:00:00.000Z' });
    expect((quota as { reason: string }).reason).toMatch(/quotaExceeded/);

    server.inject({ route: 'videos.insert', kind: 'error', reason: 'uploadLimitExceeded' });
    const limit = await endpoint().submit(youtubePackage(randomBytes(1000)), testDistributionContext());
    expect(limit).toMatchObject({ kind: 'parked', until: new Date(clock + 86_400_000).toISOString() });
  });

  it('computes the quota reset across daylight saving changes', () => {
    expect(new Date(nextQuotaReset(Date.parse('2026-03-08T07:30:00Z'))).toISOString()).toBe('2026-03-08T08:00:00.000Z');
    expect(new Date(nextQuotaReset(Date.parse('2026-03-08T12:00:00Z'))).toISOString()).toBe('2026-03-09T07:00:00.000Z');
    expect(new Date(nextQuotaReset(Date.parse('2026-11-01T12:00:00Z'))).toISOString()).toBe('2026-11-02T08:00:00.000Z');
  });

  it('answers retry for rate limits (403 and 429), honouring Retry-After', async () => {
    const ctx = testDistributionContext();
    await endpoint().submit(youtubePackage(randomBytes(1000)), ctx);
    server.inject({ route: 'videos.list', kind: 'error', reason: 'rateLimitExceeded' });
    expect(await endpoint().poll(ctx)).toMatchObject({ kind: 'retry', afterMs: 0 });
    server.inject({ route: 'videos.list', kind: 'error', reason: 'tooManyRequests', retryAfterSeconds: 7 });
    expect(await endpoint().poll(ctx)).toMatchObject({ kind: 'retry', afterMs: 7000 });
    server.inject({ route: 'videos.list', kind: 'error', reason: 'forbidden' });
    expect(await endpoint().poll(ctx)).toMatchObject({ kind: 'failed', code: 'FORBIDDEN' });
  });

  it('refreshes an expired access token once, shares one refresh between concurrent calls, and saves it', async () => {
    const { tokens, options: o } = options();
    const adapter = createYouTubeEndpoint(o);
    const ctxs = [testDistributionContext(), testDistributionContext()];
    const refreshes = routeCount('token');
    await Promise.all(ctxs.map((c) => adapter.submit(youtubePackage(randomBytes(1000)), c)));
    expect(routeCount('token')).toBe(refreshes + 1);
    const first = tokens.current.accessToken;
    expect(first).toMatch(/^ya29\./);
    server.expireAccessTokens();
    expect(await adapter.poll(ctxs[0] as never)).toMatchObject({ kind: 'success' });
    expect(routeCount('token')).toBe(refreshes + 2);
    expect(tokens.current.accessToken).not.toBe(first);
  });

  it('reads the token store only when its token is missing, expiring or refused', async () => {
    const { tokens, options: o } = options();
    let loads = 0;
    const counting = {
      load: async () => {
        loads++;
        return tokens.load();
      },
      save: (t: Parameters<typeof tokens.save>[0]) => tokens.save(t),
    };
    const adapter = createYouTubeEndpoint({ ...o, tokens: counting });
    const ctx = testDistributionContext();
    await adapter.submit(youtubePackage(randomBytes(3 * UPLOAD_UNIT)), ctx);
    for (let i = 0; i < 3; i++) await adapter.poll(ctx);
    // One load before the first refresh, one inside it; every later call uses the kept token.
    expect(loads).toBe(2);
    server.expireAccessTokens();
    expect(await adapter.poll(ctx)).toMatchObject({ kind: 'success' });
    expect(loads).toBe(3);
  });

  it('answers auth-required when the refresh token is revoked, naming what to do', async () => {
    const adapter = endpoint();
    const ctx = testDistributionContext();
    const other = await startYouTubeServer();
    try {
      other.revokeRefreshToken();
      const revoked = createYouTubeEndpoint({
        ...options().options,
        apiBaseUrl: other.baseUrl,
        tokenUrl: other.tokenUrl,
        clientId: other.clientId,
        clientSecret: other.clientSecret,
      });
      const outcome = await revoked.submit(youtubePackage(randomBytes(10)), ctx);
      expect(outcome).toMatchObject({ kind: 'auth-required' });
      expect((outcome as { reason: string }).reason).toMatch(/invalid_grant.*grant access again/);
    } finally {
      await other.destroy();
    }
    await adapter.close();
  });

  it('refuses fields YouTube would refuse, naming the field, before any request', async () => {
    const requests = server.requests.length;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ title: 'x'.repeat(101) }, /"title".*100 characters/],
      [{ title: 'A <b>bold</b> title' }, /"title".*< or >/],
      [{ description: 'é'.repeat(2501) }, /"description".*5000 bytes/],
      [{ tags: Array.from({ length: 60 }, (_, i) => `tag number ${i}`) }, /"tags".*500 characters/],
      [{ houseNumber: 'LT-101' }, /houseNumber/],
    ];
    for (const [fields, message] of cases) {
      const outcome = await endpoint().submit(youtubePackage(randomBytes(10), { fields }), testDistributionContext());
      expect(outcome).toMatchObject({ kind: 'failed', code: 'INVALID_INPUT' });
      expect((outcome as { message: string }).message).toMatch(message);
    }
    expect(server.requests.length).toBe(requests);
  });

  it('refuses options that break the protocol: a chunk size that is not a multiple of 256 KiB', () => {
    expect(() => endpoint({ chunkBytes: 1_000_000 })).toThrow(/chunkBytes.*256 KiB/);
  });
});

describe('youtube endpoint: metadata, thumbnails, captions, scheduling, removal', () => {
  it('updates by read-modify-write: what YouTube Studio added survives, and nothing is written when nothing differs', async () => {
    const ctx = testDistributionContext();
    const body = randomBytes(1000);
    await endpoint().submit(youtubePackage(body), ctx);
    const video = server.videos.get(ctx.remoteId as string);
    if (video === undefined) throw new Error('no video');
    video.snippet.tags = ['added-in-studio'];
    const updates = routeCount('videos.update');
    const outcome = await endpoint().update(
      youtubePackage(body, { fields: { title: 'Low Tide — Episode 1 (Director’s Cut)' }, revision: 2 }),
      { fields: ['title'], files: [], removedFiles: [] },
      ctx,
    );
    expect(outcome).toMatchObject({ kind: 'success', remoteState: 'live' });
    expect(video.snippet).toMatchObject({
      title: 'Low Tide — Episode 1 (Director’s Cut)',
      tags: ['added-in-studio'],
      description: 'The tide goes out.',
      categoryId: '24',
    });
    expect(routeCount('videos.update')).toBe(updates + 1);
    await endpoint().update(
      youtubePackage(body, { fields: { title: 'Low Tide — Episode 1 (Director’s Cut)' }, revision: 3 }),
      { fields: ['title'], files: [], removedFiles: [] },
      ctx,
    );
    expect(routeCount('videos.update')).toBe(updates + 1);
  });

  it('brings the metadata of an existing video to the package on a resubmission, without uploading again', async () => {
    const ctx = testDistributionContext();
    const body = randomBytes(1000);
    await endpoint().submit(youtubePackage(body), ctx);
    const inserts = routeCount('videos.insert');
    const outcome = await endpoint().submit(
      youtubePackage(body, { fields: { title: 'Low Tide — resubmitted', tags: ['drama'] }, revision: 2 }),
      ctx,
    );
    expect(outcome).toMatchObject({ kind: 'success', remoteId: ctx.remoteId });
    expect(routeCount('videos.insert')).toBe(inserts);
    expect(server.videos.get(ctx.remoteId as string)?.snippet).toMatchObject({
      title: 'Low Tide — resubmitted',
      tags: ['drama'],
    });
  });

  it('refuses to replace the media of a video, saying what to do instead', async () => {
    const ctx = testDistributionContext();
    await endpoint().submit(youtubePackage(randomBytes(1000)), ctx);
    const outcome = await endpoint().update(
      youtubePackage(randomBytes(1000), { revision: 2 }),
      { fields: [], files: ['main'], removedFiles: [] },
      ctx,
    );
    expect(outcome).toMatchObject({ kind: 'failed', code: 'UNSUPPORTED' });
    expect((outcome as { message: string }).message).toMatch(/remove it and submit "lt-101" again/);
  });

  it('sets the thumbnail and caption tracks, saves their ids, updates and deletes tracks as the package changes', async () => {
    const ctx = testDistributionContext();
    const body = randomBytes(1000);
    const thumb = randomBytes(5000);
    const fr = Buffer.from('WEBVTT\n\n00:00.000 --> 00:02.000\nLa marée descend.\n');
    const en = Buffer.from('WEBVTT\n\n00:00.000 --> 00:02.000\nThe tide goes out.\n');
    const files = (french: Buffer) => [
      file('thumbnail', 'thumbnail-1280x720', thumb, { contentType: 'image/png' }),
      file('captions', 'captions-fr', french, { language: 'fr', contentType: 'text/vtt' }),
      file('captions', 'captions-en', en, { language: 'en', contentType: 'text/vtt' }),
    ];
    const outcome = await endpoint().submit(
      youtubePackage(body, { files: files(fr), fields: { captionNames: { fr: 'Français' } } }),
      ctx,
    );
    expect(outcome).toMatchObject({ kind: 'success' });
    const videoId = ctx.remoteId as string;
    expect(server.videos.get(videoId)?.thumbnail?.sha256).toBe(sha256(thumb));
    const tracks = () => [...server.captions.values()].filter((c) => c.snippet.videoId === videoId);
    expect(
      tracks()
        .map((c) => [c.snippet.language, c.snippet.name, c.sha256])
        .sort(),
    ).toEqual(
      [
        ['en', '', sha256(en)],
        ['fr', 'Français', sha256(fr)],
      ].sort(),
    );
    const frId = ctx.remoteFiles['captions-fr'];
    expect(server.captions.get(frId as string)?.snippet.language).toBe('fr');

    const fr2 = Buffer.from('WEBVTT\n\n00:00.000 --> 00:02.000\nLa mer se retire.\n');
    const updated = await endpoint().update(
      youtubePackage(body, {
        files: files(fr2).filter((f) => f.name !== 'captions-en'),
        fields: { captionNames: { fr: 'Français' } },
        revision: 2,
      }),
      { fields: [], files: ['captions-fr'], removedFiles: ['captions-en'] },
      ctx,
    );
    expect(updated).toMatchObject({ kind: 'success' });
    expect(tracks().map((c) => [c.id, c.sha256])).toEqual([[frId, sha256(fr2)]]);
  });

  it('adopts a caption track whose insert answer was lost, instead of adding a second', async () => {
    const ctx = testDistributionContext();
    const vtt = Buffer.from('WEBVTT\n\n00:00.000 --> 00:01.000\nHi.\n');
    const pkg = youtubePackage(randomBytes(1000), {
      files: [file('captions', 'captions-en', vtt, { language: 'en', contentType: 'text/vtt' })],
    });
    server.inject({ route: 'captions.insert', kind: 'drop-response' });
    expect((await endpoint().submit(pkg, ctx)).kind).toBe('retry');
    expect(ctx.remoteId).toBeDefined();
    expect(await endpoint().submit(pkg, ctx)).toMatchObject({ kind: 'success' });
    const tracks = [...server.captions.values()].filter((c) => c.snippet.videoId === ctx.remoteId);
    expect(tracks).toHaveLength(1);
    expect(ctx.remoteFiles['captions-en']).toBe(tracks[0]?.id);
  });

  it('schedules publishing while private, and reports live once YouTube has published it', async () => {
    const ctx = testDistributionContext();
    const publishAt = new Date(clock + 3_600_000).toISOString();
    const adapter = endpoint();
    await adapter.submit(youtubePackage(randomBytes(1000), { publishAt }), ctx);
    expect(server.videos.get(ctx.remoteId as string)?.status).toMatchObject({ privacyStatus: 'private', publishAt });
    let polled: DistributionOutcome;
    do polled = await adapter.poll(ctx);
    while (polled.kind === 'success' && polled.remoteState === 'processing');
    expect(polled).toMatchObject({ kind: 'success', remoteState: 'scheduled' });
    clock += 3_600_000;
    try {
      expect(await adapter.poll(ctx)).toMatchObject({ kind: 'success', remoteState: 'live' });
    } finally {
      clock -= 3_600_000;
    }
  });

  it('unpublishes by making the video private, deletes it, and confirms removal; deleting again is not an error', async () => {
    const ctx = testDistributionContext();
    const adapter = endpoint();
    await adapter.submit(youtubePackage(randomBytes(1000)), ctx);
    expect(await adapter.remove('unpublish', ctx)).toMatchObject({ kind: 'success', remoteState: 'unpublished' });
    expect(server.videos.get(ctx.remoteId as string)?.status.privacyStatus).toBe('private');
    expect(await adapter.remove('delete', ctx)).toMatchObject({ kind: 'success', remoteState: 'removed' });
    expect(server.videos.has(ctx.remoteId as string)).toBe(false);
    expect(await adapter.poll(ctx)).toMatchObject({ kind: 'success', remoteState: 'removed' });
    expect(await adapter.remove('delete', ctx)).toMatchObject({
      kind: 'success',
      remoteState: 'removed',
      response: { alreadyGone: true },
    });
  });

  it('finds and deletes a video whose upload finished but whose id was never saved', async () => {
    const body = randomBytes(UPLOAD_UNIT + 5);
    const ctx = testDistributionContext();
    server.inject({ route: 'upload.chunk', kind: 'drop-response' });
    expect((await endpoint({ maxInterruptions: 0 }).submit(youtubePackage(body), ctx)).kind).toBe('retry');
    expect(ctx.remoteId).toBeUndefined();
    const orphan = [...server.videos.values()].find((v) => v.media.sha256 === sha256(body));
    expect(orphan).toBeDefined();
    expect(await endpoint().remove('delete', ctx)).toMatchObject({ kind: 'success', remoteState: 'removed' });
    expect(server.videos.has(orphan?.id as string)).toBe(false);
  });
});
