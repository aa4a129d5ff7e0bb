import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createFsStorage } from '@framewise/adapters-storage/fs';
import { createPostgresCatalogStore } from '@framewise/adapters-storage/postgres';
import { archiveJobs, type ReconcileAction } from '@framewise/core/archive';
import { createCatalog } from '@framewise/core/catalog';
import { createObjectStorage } from '@framewise/core/storage';
import {
  type PostgresServer,
  type RedisServer,
  startPostgres,
  startRedis,
  stopProcess,
  waitFor,
} from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqBackend } from '../src/bullmq/index.js';

const fixture = fileURLToPath(new URL('./fixtures/archive-worker.ts', import.meta.url));
const archivist = { id: 'archivist', memberships: [{ project: 'vault', role: 'editor' as const }] };

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
}

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
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[archive worker ${child.pid}] ${chunk}`));
  return { child, lines };
}

describe('archive jobs on BullMQ: a worker killed after the effect, before acknowledging', () => {
  let redis: RedisServer;
  let postgres: PostgresServer;
  let pgUrl: string;
  let dir: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    pgUrl = postgres.createDatabase('archive_retry');
    dir = mkdtempSync(join(tmpdir(), 'framewise-archive-retry-'));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => stopProcess(w.child, 'SIGTERM', 5_000)));
    await Promise.all([redis?.stop(), postgres?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records the archive.copy event once although the job ran twice', async () => {
    const store = createPostgresCatalogStore({ connectionString: pgUrl, maxConnections: 2 });
    const catalog = createCatalog({ store });
    const asset = await catalog.createAsset(archivist, {
      project: 'vault',
      kind: 'episode',
      titles: [{ language: 'en', value: 'Low Tide 101' }],
    });
    const bytes = Buffer.alloc(256 * 1024, 7);
    const disk = createObjectStorage(createFsStorage({ root: join(dir, 'disk') }));
    await disk.put('masters/low-tide-101.mxf', bytes);
    const action: ReconcileAction = {
      kind: 'copy',
      assetId: asset.id,
      fileKey: 'master',
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      reason: 'copies: 1 of 2',
      from: { locationId: 'disk', key: 'masters/low-tide-101.mxf' },
      to: { locationId: 'vault', key: 'masters/low-tide-101.mxf' },
    };
    const env = { REDIS_URL: redis.url, QUEUE: 'archive', PG_URL: pgUrl, ROOT: dir };
    const victim = spawnWorker({ ...env, DIE_AFTER_EVENT: '1' });
    workers.push(victim);
    await waitFor('the first worker ready', () => victim.lines.some((l) => l.event === 'ready'), 60_000);
    const backend = await createBullmqBackend({
      connection: redis.url,
      queue: 'archive',
      definitions: archiveJobs(() => undefined),
    });
    try {
      const { id } = await backend.submit('archive', action);
      await waitFor('the first worker killed after recording', () => victim.child.signalCode === 'SIGKILL', 60_000);
      expect(victim.lines.some((l) => l.event === 'recorded')).toBe(true);
      // The job is stalled: a second worker takes it over and runs the copy again.
      const survivor = spawnWorker(env);
      workers.push(survivor);
      const copy = await backend.result<{ status: string }>(id);
      expect(copy.status).toBe('verified');
      expect((await backend.get(id))?.attempts).toBeGreaterThanOrEqual(2);
      const events = (await catalog.readAudit({ id: 'auditor', global: 'auditor' })).filter(
        (e) => e.action === 'archive.copy',
      );
      expect(events).toHaveLength(1);
      expect(events[0]?.operationId).toBe(`archive-job:${id}`);
      expect((await catalog.verifyAuditTrail({ id: 'auditor', global: 'auditor' })).ok).toBe(true);
    } finally {
      await backend.close();
      await store.close();
    }
  }, 180_000);
});
