import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createDistributor, createMemoryDistributionStore, type DistributionEndpoint } from '@framewise/core/delivery';
import { filelessDeliverySubject } from '@framewise/core/testing';
import { startYouTubeServer, UPLOAD_UNIT, type YouTubeServer } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createYouTubeEndpoint, memoryTokenStore } from '../src/youtube/index.js';

let server: YouTubeServer;
let clock = Date.parse('2026-11-21T18:00:00Z');
beforeAll(async () => {
  server = await startYouTubeServer({ now: () => clock });
});
afterAll(async () => {
  await server?.destroy();
});

function setup() {
  const body = randomBytes(2 * UPLOAD_UNIT);
  const adapter = createYouTubeEndpoint({
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    tokens: memoryTokenStore({ refreshToken: server.refreshToken }),
    apiBaseUrl: server.baseUrl,
    tokenUrl: server.tokenUrl,
    chunkBytes: UPLOAD_UNIT,
    resumeDelayMs: 5,
    clock: { now: () => clock },
  });
  const endpoint: DistributionEndpoint = {
    id: 'youtube',
    profile: {
      id: 'youtube',
      name: 'YouTube',
      rights: { channel: 'avod', territories: ['GB'] },
      automation: { submit: 'automatic', remove: 'automatic' },
    },
    adapter,
    maxConcurrent: 2,
    fields: () => ({ title: 'Low Tide — Episode 1', description: 'The tide goes out.', categoryId: '24' }),
    files: () => [
      {
        role: 'media',
        name: 'main',
        sizeBytes: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
        contentType: 'video/mp4',
        open: async (start = 0) => Readable.from([body.subarray(start)]),
      },
    ],
  };
  const distributor = createDistributor({
    store: createMemoryDistributionStore(),
    clock: { now: () => clock },
    source: { load: async (assetId) => filelessDeliverySubject(assetId) },
    endpoints: [endpoint],
    pollIntervalMs: 1_000,
  });
  const sweep = async () => {
    clock += 60_000;
    return distributor.sweep();
  };
  /** Sweep until the record settles in `state` (processing takes a few polls), at most 6 sweeps. */
  const settle = async (assetId: string, state: string) => {
    for (let i = 0; i < 6 && (await distributor.get(assetId, 'youtube'))?.state !== state; i++) await sweep();
    return distributor.get(assetId, 'youtube');
  };
  return { distributor, sweep, settle };
}

describe('YouTube takedowns through the distributor (local YouTube Data API server)', () => {
  it('after a takedown, a new delivery makes a fresh video (the deleted id is never reused)', async () => {
    const { distributor, settle } = setup();
    await distributor.ready('lt-201', 'lt-201-v');
    const first = await settle('lt-201', 'live');
    expect(first).toMatchObject({ state: 'live' });
    const deleted = first?.remoteId as string;
    await distributor.remove('lt-201', 'youtube');
    expect(await settle('lt-201', 'removed')).toMatchObject({ state: 'removed' });
    expect(server.videos.has(deleted) && server.videos.get(deleted)?.status.uploadStatus !== 'deleted').toBe(false);

    await distributor.ready('lt-201', 'lt-201-v');
    const again = await settle('lt-201', 'live');
    expect(again).toMatchObject({ state: 'live' });
    expect(again?.remoteId).toBeDefined();
    expect(again?.remoteId).not.toBe(deleted);
    expect(server.videos.get(again?.remoteId as string)?.media.sizeBytes).toBe(2 * UPLOAD_UNIT);
  }, 30_000);

  it('a video deleted at YouTube while still processing is recorded removed, never live', async () => {
    const { distributor, sweep } = setup();
    const lives: string[] = [];
    distributor.on('live', ({ record }) => lives.push(record.id));
    await distributor.ready('lt-202', 'lt-202-v');
    await sweep();
    const processing = await distributor.get('lt-202', 'youtube');
    expect(processing).toMatchObject({ state: 'processing' });
    server.videos.delete(processing?.remoteId as string); // deleted in YouTube Studio
    await sweep();
    expect(await distributor.get('lt-202', 'youtube')).toMatchObject({ state: 'removed' });
    expect(lives).toEqual([]);
  }, 30_000);
});
