/**
 * Adversarial takedown cases for issue 19, written from docs/distribution.md only: a distributor
 * driving real adapters (OpenSSH sftp, the local YouTube server, a local drop folder) through
 * endpoint outages, quota parking, failed submissions and re-delivery, on a clock of its own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FramewiseError } from '@framewise/core';
import {
  createDistributor,
  createMemoryDistributionStore,
  type DeliveryFile,
  type DistributionAdapter,
  type DistributionEndpoint,
  type Distributor,
} from '@framewise/core/delivery';
import { filelessDeliverySubject } from '@framewise/core/testing';
import {
  type SshdServer,
  startSshd,
  startYouTubeServer,
  UPLOAD_UNIT,
  type YouTubeServer,
} from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFolderEndpoint } from '../src/folder/index.js';
import { createSftpEndpoint } from '../src/sftp/index.js';
import { createYouTubeEndpoint, memoryTokenStore } from '../src/youtube/index.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const T0 = Date.parse('2027-03-01T10:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function mediaFile(body: Buffer, name = 'main', fail?: () => Error): DeliveryFile {
  return {
    role: 'media',
    name,
    sizeBytes: body.length,
    sha256: sha256(body),
    contentType: 'video/mp4',
    open: async (start = 0) =>
      Readable.from(
        (async function* () {
          if (fail) {
            yield body.subarray(start, start + 1000);
            throw fail();
          }
          yield body.subarray(start);
        })(),
      ),
  };
}

function endpoint(
  id: string,
  adapter: DistributionAdapter,
  files: () => DeliveryFile[],
  title: (assetId: string) => string = (a) => a,
): DistributionEndpoint {
  return {
    id,
    profile: { id, name: id, rights: { channel: 'svod', territories: ['GB'] }, automation: { submit: 'automatic' } },
    adapter,
    fields: (s) => ({ title: title(s.asset.id) }),
    files,
  };
}

function distributorFor(ep: DistributionEndpoint, clock: { t: number }) {
  const events: string[] = [];
  const distributor = createDistributor({
    store: createMemoryDistributionStore(),
    endpoints: [ep],
    source: { load: async (assetId) => filelessDeliverySubject(assetId) },
    clock: { now: () => clock.t },
    retry: { baseMs: 1000, maxMs: 10_000, maxAttempts: 2 },
    pollIntervalMs: 1000,
  });
  for (const e of ['live', 'removed', 'failed', 'parked', 'takedown-overdue', 'submitted'] as const)
    distributor.on(e, () => events.push(e));
  return { distributor, events };
}

/** Sweep at `clock.t`, moving the clock past each `nextWakeAt`, at most `n` times or until `until()`. */
async function sweepUntil(distributor: Distributor, clock: { t: number }, until: () => Promise<boolean>, n = 40) {
  for (let i = 0; i < n; i++) {
    if (await until()) return true;
    const report = await distributor.sweep(clock.t);
    if (await until()) return true;
    const next = report.nextWakeAt ? Date.parse(report.nextWakeAt) : clock.t + 1000;
    clock.t = Math.max(clock.t + 1, next);
  }
  return until();
}

describe('takedown over SFTP', () => {
  let server: SshdServer;
  beforeAll(async () => {
    server = await startSshd();
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
  });
  const sftp = (packagePath: string) =>
    createSftpEndpoint({
      host: server.host,
      port: server.port,
      username: server.username,
      privateKey: server.privateKey,
      hostKeySha256: server.hostKeySha256,
      root: server.root,
      packagePath,
      readyTimeoutMs: 2000,
      requestTimeoutMs: 2000,
    });

  it('the endpoint is down at sunset beyond the retry limit: takedown-overdue, then removed once it is back', async () => {
    const clock = { t: T0 };
    const adapter = sftp('down/{assetId}');
    const body = randomBytes(64 * 1024);
    const { distributor, events } = distributorFor(
      endpoint('sftp', adapter, () => [mediaFile(body)]),
      clock,
    );
    try {
      await distributor.submit('down-1', 'sftp', {
        versionId: 'down-1-v',
        window: { sunrise: new Date(T0).toISOString(), sunset: new Date(T0 + HOUR).toISOString() },
      });
      expect(
        await sweepUntil(distributor, clock, async () => (await distributor.get('down-1', 'sftp'))?.state === 'live'),
      ).toBe(true);
      expect(readdirSync(join(server.root, 'down'))).toEqual(['down-1']);
      await server.stop();
      clock.t = T0 + HOUR;
      // many sweeps while it is down: far beyond retry.maxAttempts
      for (let i = 0; i < 8; i++) {
        const report = await distributor.sweep(clock.t);
        clock.t = report.nextWakeAt ? Math.max(clock.t + 1, Date.parse(report.nextWakeAt)) : clock.t + 10_000;
      }
      const stuck = await distributor.get('down-1', 'sftp');
      expect(stuck?.state).not.toBe('removed');
      expect(stuck?.removalOwed).toBe(true);
      expect(events.filter((e) => e === 'takedown-overdue')).toHaveLength(1);
      await server.start();
      expect(
        await sweepUntil(
          distributor,
          clock,
          async () => (await distributor.get('down-1', 'sftp'))?.state === 'removed',
        ),
      ).toBe(true);
      expect(existsSync(join(server.root, 'down', 'down-1'))).toBe(false);
    } finally {
      await distributor.close();
      await adapter.close();
    }
  }, 60_000);

  it('a submission that failed for good, with the sunset passing, leaves nothing at the receiver', async () => {
    const clock = { t: T0 };
    const adapter = sftp('errsub/{assetId}');
    const body = randomBytes(200 * 1024);
    const { distributor } = distributorFor(
      endpoint('sftp', adapter, () => [
        mediaFile(body, 'first'),
        mediaFile(body, 'second', () => new FramewiseError('INTEGRITY', 'second: digest mismatch')),
      ]),
      clock,
    );
    try {
      await distributor.submit('err-1', 'sftp', {
        versionId: 'err-1-v',
        window: { sunrise: new Date(T0).toISOString(), sunset: new Date(T0 + HOUR).toISOString() },
      });
      await sweepUntil(
        distributor,
        clock,
        async () => (await distributor.get('err-1', 'sftp'))?.state === 'error-submit',
        10,
      );
      expect((await distributor.get('err-1', 'sftp'))?.state).toBe('error-submit');
      clock.t = T0 + HOUR;
      await sweepUntil(
        distributor,
        clock,
        async () => {
          const r = await distributor.get('err-1', 'sftp');
          return r?.state === 'removed' || (r?.removalOwed === false && r.state !== 'error-submit');
        },
        10,
      );
      const dir = join(server.root, 'errsub', 'err-1');
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    } finally {
      await distributor.close();
      await adapter.close();
    }
  }, 60_000);
});

describe('takedown over SFTP after an interrupted submission', () => {
  let server: SshdServer;
  beforeAll(async () => {
    server = await startSshd();
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
  });

  it('files left by a submission that broke off are removed at sunset', async () => {
    const clock = { t: T0 };
    const adapter = createSftpEndpoint({
      host: server.host,
      port: server.port,
      username: server.username,
      privateKey: server.privateKey,
      hostKeySha256: server.hostKeySha256,
      root: server.root,
      packagePath: 'broke/{assetId}',
    });
    const body = randomBytes(200 * 1024);
    const { distributor } = distributorFor(
      endpoint('sftp', adapter, () => [
        mediaFile(body, 'first'),
        mediaFile(body, 'second', () => Object.assign(new Error('connection lost'), { code: 'ECONNRESET' })),
      ]),
      clock,
    );
    try {
      await distributor.submit('brk-1', 'sftp', {
        versionId: 'brk-1-v',
        window: { sunrise: new Date(T0).toISOString(), sunset: new Date(T0 + HOUR).toISOString() },
      });
      await distributor.sweep(clock.t);
      const dir = join(server.root, 'broke', 'brk-1');
      expect(readdirSync(dir).length).toBeGreaterThan(0); // first.mp4 in place, .second.mp4.part
      clock.t = T0 + HOUR;
      await sweepUntil(
        distributor,
        clock,
        async () => (await distributor.get('brk-1', 'sftp'))?.state === 'removed',
        10,
      );
      expect((await distributor.get('brk-1', 'sftp'))?.state).toBe('removed');
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    } finally {
      await distributor.close();
      await adapter.close();
    }
  }, 60_000);
});

describe('takedown on YouTube', () => {
  let server: YouTubeServer;
  const clock = { t: T0 };
  beforeAll(async () => {
    server = await startYouTubeServer({ now: () => clock.t });
  });
  afterAll(async () => {
    await server?.destroy();
  });
  const youtube = () =>
    createYouTubeEndpoint({
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      tokens: memoryTokenStore({ refreshToken: server.refreshToken }),
      apiBaseUrl: server.baseUrl,
      tokenUrl: server.tokenUrl,
      chunkBytes: UPLOAD_UNIT,
      resumeDelayMs: 5,
      clock: { now: () => clock.t },
    });

  it('re-delivery after a takedown makes a fresh video', async () => {
    clock.t = T0;
    const adapter = youtube();
    const body = randomBytes(300 * 1024);
    const { distributor } = distributorFor(
      endpoint('yt', adapter, () => [mediaFile(body)]),
      clock,
    );
    try {
      await distributor.submit('again-1', 'yt', {
        versionId: 'again-1-v',
        window: { sunrise: new Date(T0).toISOString(), sunset: new Date(T0 + HOUR).toISOString() },
      });
      expect(
        await sweepUntil(distributor, clock, async () => (await distributor.get('again-1', 'yt'))?.state === 'live'),
      ).toBe(true);
      const first = (await distributor.get('again-1', 'yt'))?.remoteId as string;
      expect(server.videos.has(first)).toBe(true);
      clock.t = T0 + HOUR;
      expect(
        await sweepUntil(distributor, clock, async () => (await distributor.get('again-1', 'yt'))?.state === 'removed'),
      ).toBe(true);
      expect(server.videos.has(first)).toBe(false);
      // rights again the next day
      clock.t = T0 + DAY;
      await distributor.submit('again-1', 'yt', {
        versionId: 'again-1-v',
        window: { sunrise: new Date(T0 + DAY).toISOString(), sunset: new Date(T0 + DAY + HOUR).toISOString() },
      });
      expect(
        await sweepUntil(distributor, clock, async () => (await distributor.get('again-1', 'yt'))?.state === 'live'),
      ).toBe(true);
      const second = (await distributor.get('again-1', 'yt'))?.remoteId as string;
      expect(second).not.toBe(first);
      expect(server.videos.has(second)).toBe(true);
    } finally {
      await distributor.close();
      await adapter.close();
    }
  }, 60_000);

  it('a record parked on quota (an update) is taken down at sunset, before the quota resets', async () => {
    clock.t = T0;
    server.resetQuota();
    const adapter = youtube();
    const body = randomBytes(300 * 1024);
    let edition = 1;
    const { distributor } = distributorFor(
      endpoint(
        'yt',
        adapter,
        () => [mediaFile(body)],
        (a) => `${a} edition ${edition}`,
      ),
      clock,
    );
    try {
      await distributor.submit('park-1', 'yt', {
        versionId: 'park-1-v',
        window: { sunrise: new Date(T0).toISOString(), sunset: new Date(T0 + HOUR).toISOString() },
      });
      expect(
        await sweepUntil(distributor, clock, async () => (await distributor.get('park-1', 'yt'))?.state === 'live'),
      ).toBe(true);
      const id = (await distributor.get('park-1', 'yt'))?.remoteId as string;
      server.inject({ route: 'videos.update', kind: 'error', reason: 'quotaExceeded', times: 100 });
      edition = 2;
      await distributor.changed('park-1');
      await distributor.sweep(clock.t);
      const parked = await distributor.get('park-1', 'yt');
      expect(parked?.state).toBe('parked');
      expect(Date.parse(parked?.parkedUntil as string)).toBeGreaterThan(T0 + HOUR);
      clock.t = T0 + HOUR;
      await sweepUntil(distributor, clock, async () => !server.videos.has(id), 6);
      expect(server.videos.has(id)).toBe(false);
      expect(Date.parse((await distributor.get('park-1', 'yt'))?.updatedAt as string)).toBeLessThan(
        Date.parse(parked?.parkedUntil as string),
      );
    } finally {
      await distributor.close();
      await adapter.close();
    }
  }, 60_000);

  it('a video deleted at YouTube while processing is never reported live', async () => {
    clock.t = T0;
    const slow = await startYouTubeServer({ now: () => clock.t, processingPolls: 1000 });
    const adapter = createYouTubeEndpoint({
      clientId: slow.clientId,
      clientSecret: slow.clientSecret,
      tokens: memoryTokenStore({ refreshToken: slow.refreshToken }),
      apiBaseUrl: slow.baseUrl,
      tokenUrl: slow.tokenUrl,
      chunkBytes: UPLOAD_UNIT,
      resumeDelayMs: 5,
      clock: { now: () => clock.t },
    });
    const body = randomBytes(300 * 1024);
    const { distributor, events } = distributorFor(
      endpoint('yt', adapter, () => [mediaFile(body)]),
      clock,
    );
    try {
      await distributor.submit('proc-1', 'yt', {
        versionId: 'proc-1-v',
        window: { sunrise: new Date(T0).toISOString(), sunset: new Date(T0 + DAY).toISOString() },
      });
      expect(
        await sweepUntil(
          distributor,
          clock,
          async () => (await distributor.get('proc-1', 'yt'))?.state === 'processing',
        ),
      ).toBe(true);
      const id = (await distributor.get('proc-1', 'yt'))?.remoteId as string;
      slow.videos.delete(id);
      await sweepUntil(
        distributor,
        clock,
        async () => (await distributor.get('proc-1', 'yt'))?.state !== 'processing',
        6,
      );
      const after = await distributor.get('proc-1', 'yt');
      expect(after?.state).not.toBe('live');
      expect(events).not.toContain('live');
      expect((await distributor.liveOn('yt')).map((r) => r.assetId)).not.toContain('proc-1');
    } finally {
      await distributor.close();
      await adapter.close();
      await slow.destroy();
    }
  }, 60_000);
});

describe('takedown on a local drop folder', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'fw-adv-takedown-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('an explicit remove of a record in error-submit is carried out', async () => {
    const clock = { t: T0 };
    const adapter = createFolderEndpoint({ root, packagePath: '{assetId}' });
    const body = randomBytes(100 * 1024);
    let failing = true;
    const { distributor } = distributorFor(
      endpoint('drop', adapter, () => [
        mediaFile(body, 'first'),
        mediaFile(body, 'second', failing ? () => new FramewiseError('FORBIDDEN', 'no access') : undefined),
      ]),
      clock,
    );
    try {
      await distributor.submit('rm-1', 'drop', { versionId: 'rm-1-v' });
      await sweepUntil(
        distributor,
        clock,
        async () => (await distributor.get('rm-1', 'drop'))?.state === 'error-submit',
        10,
      );
      expect((await distributor.get('rm-1', 'drop'))?.state).toBe('error-submit');
      failing = false;
      await distributor.remove('rm-1', 'drop');
      await sweepUntil(
        distributor,
        clock,
        async () => (await distributor.get('rm-1', 'drop'))?.state === 'removed',
        10,
      );
      expect((await distributor.get('rm-1', 'drop'))?.state).toBe('removed');
      expect(existsSync(join(root, 'rm-1'))).toBe(false);
    } finally {
      await distributor.close();
      await adapter.close();
    }
  });
});
