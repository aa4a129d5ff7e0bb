import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createPostgresCatalogStore } from '@framewise/adapters-storage/postgres';
import { type Catalog, createCatalog } from '@framewise/core/catalog';
import { isFramewiseError } from '@framewise/core/errors';
import { probe } from '@framewise/core/transcode';
import {
  h264WithTwoAudioTracks,
  type PostgresServer,
  type RedisServer,
  startPostgres,
  startRedis,
  stopProcess,
  waitFor,
} from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BullmqQueueBackend, createBullmqBackend } from '../src/bullmq/index.js';
import { editor, FLEET_STORAGE, fleetJobs, fleetPlan } from './fixtures/ladder-jobs.js';

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
}

const fixture = fileURLToPath(new URL('./fixtures/ladder-worker.ts', import.meta.url));

/** Start a worker as its own Node process (TypeScript sources through tsx). */
function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--conditions=@framewise/source', '--import', 'tsx', fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not one of ours
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[worker ${child.pid}] ${chunk}`));
  return { child, lines };
}

describe('BullMQ worker fleet', () => {
  let redis: RedisServer;
  let postgres: PostgresServer;
  let dir: string;
  let pgUrl: string;
  let catalog: Catalog;
  let closeStore: () => Promise<void>;
  let backend: BullmqQueueBackend<ReturnType<typeof fleetJobs>>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    dir = mkdtempSync(join(tmpdir(), 'framewise-fleet-'));
    pgUrl = postgres.createDatabase('fleet');
    const store = createPostgresCatalogStore({ connectionString: pgUrl, maxConnections: 4 });
    closeStore = () => store.close();
    catalog = createCatalog({ store });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopProcess(w.child, 'SIGTERM', 5_000)));
    await backend?.close();
    await closeStore?.();
    await Promise.all([redis?.stop(), postgres?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A generated 8 s source, registered as the mezzanine version of a new asset. */
  async function mezzanine(title: string) {
    const source = await h264WithTwoAudioTracks(join(dir, `${title.replace(/\W/g, '-')}.mp4`), 8);
    const probed = await probe(source);
    const asset = await catalog.createAsset(editor, {
      project: 'fleet',
      kind: 'episode',
      titles: [{ language: 'en', value: title }],
    });
    const version = await catalog.addVersion(editor, asset.id, {
      name: 'mezzanine',
      kind: 'mezzanine',
      rate: { num: 25, den: 1, dropFrame: false },
      durationFrames: probed.technical.durationFrames ?? 200,
      startTimecode: probed.technical.startTimecode ?? '00:00:00:00',
      essence: probed.technical,
      locations: [{ storage: 'fleet-local', key: source.split('/').pop() as string }],
    });
    return { source, probed, version };
  }

  it('takes over a job whose worker was SIGKILLed mid-encode, and registers each rendition exactly once', async () => {
    const { source, probed, version } = await mezzanine('Low Tide 101');
    const env = { REDIS_URL: redis.url, QUEUE: 'fleet', PG_URL: pgUrl };
    workers.push(spawnWorker(env), spawnWorker(env));
    await waitFor('two workers ready', () => workers.every((w) => w.lines.some((l) => l.event === 'ready')), 60_000);

    // The producer validates with the same definitions; it never runs a handler.
    backend = await createBullmqBackend({
      connection: redis.url,
      queue: 'fleet',
      definitions: fleetJobs(() => {
        throw new Error('the producer does not run jobs');
      }),
    });
    const out = join(dir, 'ladder');
    const store = join(dir, 'store');
    const { id } = await backend.submit(
      'ladder',
      { source, out, store, versionId: version.id },
      { priority: 'high', idempotencyKey: `ladder:${version.id}` },
    );
    const encoding = (w: WorkerProcess) => w.lines.some((l) => l.event === 'encoding' && l.id === id);
    await waitFor('a worker encoding', () => workers.some(encoding), 60_000);
    const victim = workers.find(encoding) as WorkerProcess;
    const survivor = workers.find((w) => w !== victim) as WorkerProcess;
    victim.child.kill('SIGKILL');

    const names = await backend.result<string[]>(id);
    expect(names).toEqual(['h264-720p', 'h264-360p', 'aac-stereo']);
    const record = await backend.get(id);
    expect(record?.state).toBe('succeeded');
    expect(record?.attempts).toBeGreaterThanOrEqual(2);
    expect(survivor.lines.some((l) => l.event === 'started' && l.id === id)).toBe(true);
    expect(victim.lines.some((l) => l.event === 'started' && l.id === id)).toBe(true);

    // Exactly once: one rendition per output, one registration in the audit trail each.
    const renditions = await catalog.listRenditions(editor, version.id);
    expect(renditions.map((r) => r.profile).sort()).toEqual(['aac-stereo', 'h264-360p', 'h264-720p']);
    for (const r of renditions) {
      const location = r.locations[0];
      // Each rendition is in the storage it names, with the bytes its checksum says.
      expect(location?.storage).toBe(FLEET_STORAGE);
      const bytes = readFileSync(join(store, location?.key ?? ''));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(location?.checksums?.sha256);
    }
    const audit = await catalog.readAudit({ id: 'fleet-auditor', global: 'auditor' });
    expect(audit.filter((e) => e.action === 'rendition.register')).toHaveLength(3);
    expect(fleetPlan(probed.technical).video).toHaveLength(2);

    // Submitting the same work again returns the finished job.
    expect(
      await backend.submit(
        'ladder',
        { source, out, store, versionId: version.id },
        { idempotencyKey: `ladder:${version.id}` },
      ),
    ).toEqual({ id, reused: true });
  }, 180_000);

  it('does not run a job taken over from a dead worker when it was cancelled while that worker held it', async () => {
    const { source, version } = await mezzanine('Low Tide 102');
    workers.push(spawnWorker({ REDIS_URL: redis.url, QUEUE: 'fleet', PG_URL: pgUrl }));
    const live = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    await waitFor(
      'two live workers ready',
      () => live().filter((w) => w.lines.some((l) => l.event === 'ready')).length === 2,
      60_000,
    );
    const { id } = await backend.submit('ladder', {
      source,
      out: join(dir, 'ladder-102'),
      store: join(dir, 'store'),
      versionId: version.id,
    });
    const encoding = (w: WorkerProcess) => w.lines.some((l) => l.event === 'encoding' && l.id === id);
    await waitFor('a worker encoding', () => live().some(encoding), 60_000);
    const victim = live().find(encoding) as WorkerProcess;
    victim.child.kill('SIGKILL');
    // Redis still shows it running on the dead worker: the cancellation reaches no one, and is marked.
    expect(await backend.cancel(id)).toBe(true);
    const error = await backend.result(id).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'CANCELLED'), String(error)).toBe(true);
    expect((await backend.get(id))?.state).toBe('cancelled');
    expect(await catalog.listRenditions(editor, version.id)).toEqual([]);
  }, 180_000);
});
