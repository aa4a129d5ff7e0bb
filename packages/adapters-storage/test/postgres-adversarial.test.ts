import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCatalog, isFramewiseError } from '@framewise/core';
import { type PostgresServer, startPostgres } from '@framewise/test-support';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresCatalogStore } from '../src/postgres/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const admin = { id: 'root', global: 'admin' as const };
const auditor = { id: 'aud', global: 'auditor' as const };
const editor = (...projects: string[]) => ({
  id: 'ed',
  memberships: projects.map((project) => ({ project, role: 'editor' as const })),
});
const clip = (project: string, title = 'x') => ({
  project,
  kind: 'clip' as const,
  titles: [{ language: 'en', value: title }],
});

interface Child {
  readonly process: ChildProcess;
  /** Resolves when the child printed a line starting with `prefix`; the line. */
  line(prefix: string): Promise<string>;
  readonly exited: Promise<number | null>;
}

function child(job: Record<string, unknown>): Child {
  const proc = spawn(
    process.execPath,
    [
      '--conditions=@framewise/source',
      '--import',
      'tsx',
      join(here, 'fixtures/catalog-adversarial-child.ts'),
      JSON.stringify(job),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(here, '..') },
  );
  let out = '';
  let err = '';
  const waiters: [string, (line: string) => void][] = [];
  const check = () => {
    for (const [prefix, resolve] of [...waiters]) {
      const line = out.split('\n').find((l) => l.length > 0 && l.startsWith(prefix));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf([prefix, resolve] as never), 1);
        resolve(line);
      }
    }
  };
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    check();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    process: proc,
    exited,
    line: (prefix) =>
      new Promise<string>((resolve, reject) => {
        waiters.push([prefix, resolve]);
        check();
        void exited.then((code) => reject(new Error(`child exited ${code} before "${prefix}": ${out} ${err}`)));
      }),
  };
}

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('PostgreSQL catalog under adversarial conditions', () => {
  it('a writer frozen mid-transaction in P: Q writes go on, P writes time out TRANSIENT, kill -9 releases P', async () => {
    const conn = server.createDatabase('adv_frozen');
    const store = createPostgresCatalogStore({ connectionString: conn, lockTimeoutMs: 30_000 });
    const impatient = createPostgresCatalogStore({ connectionString: conn, lockTimeoutMs: 300 });
    const catalog = createCatalog({ store });
    await catalog.createAsset(editor('p'), clip('p', 'before'));
    const frozen = child({ mode: 'freeze', connectionString: conn, project: 'p' });
    try {
      await frozen.line('frozen');
      // Q is untouched by P's locks: succeeds (with a 30 s lock timeout it would fail, not pass, if blocked).
      await catalog.createAsset(editor('q'), clip('q', 'during'));
      const qAsset = await catalog.createAsset(editor('q'), clip('q', 'during 2'));
      await catalog.checkOut(editor('q'), qAsset.id);
      // P waits for the frozen writer's chain head: refused after the lock timeout, retryable.
      const error = await createCatalog({ store: impatient })
        .createAsset(editor('p'), clip('p', 'blocked'))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(isFramewiseError(error, 'TRANSIENT'), String(error)).toBe(true);
      frozen.process.kill('SIGKILL');
      await frozen.exited;
      await catalog.createAsset(editor('p'), clip('p', 'after'));
      const titles = (await catalog.searchAssets(editor('p'), { limit: 100 })).items.map((a) => a.titles[0]?.value);
      expect(titles.sort()).toEqual(['after', 'before']);
      const events = await catalog.readAudit(admin, { project: 'p', limit: 100 });
      expect(events.map((e) => e.seq)).toEqual([1, 2]);
      expect((await catalog.verifyAuditTrail(auditor)).problems).toEqual([]);
    } finally {
      frozen.process.kill('SIGKILL');
      await store.close();
      await impatient.close();
    }
  }, 90_000);

  it('four processes writing to a shared project and their own: every event once, chains without gaps', async () => {
    const conn = server.createDatabase('adv_procs');
    const children = Array.from({ length: 4 }, (_, i) =>
      child({ mode: 'create', connectionString: conn, projects: ['shared', `own${i}`], count: 30 }),
    );
    // The schema is migrated by whichever child comes first: they race for it too.
    for (const c of children) await c.line('done');
    expect(await Promise.all(children.map((c) => c.exited))).toEqual([0, 0, 0, 0]);
    const store = createPostgresCatalogStore({ connectionString: conn });
    const catalog = createCatalog({ store });
    try {
      const shared = await catalog.readAudit(auditor, { project: 'shared', limit: 10_000 });
      expect(shared.map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(new Set(shared.map((e) => e.actor)).size).toBe(4);
      expect((await catalog.searchAssets(auditor, { projects: ['shared'], limit: 1000 })).items).toHaveLength(60);
      for (let i = 0; i < 4; i++) {
        const own = await catalog.readAudit(auditor, { project: `own${i}`, limit: 10_000 });
        expect(own.map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, k) => k + 1));
      }
      const verification = await catalog.verifyAuditTrail(auditor);
      expect(verification.problems).toEqual([]);
      expect(verification.checked).toBe(120);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('kill -9 during bulk annotation loads: whole batches or nothing, every batch audited', async () => {
    const conn = server.createDatabase('adv_kill');
    const store = createPostgresCatalogStore({ connectionString: conn });
    const catalog = createCatalog({ store });
    try {
      const asset = await catalog.createAsset(editor('k'), clip('k'));
      const version = await catalog.addVersion(editor('k'), asset.id, {
        name: 'm',
        kind: 'master',
        rate: { num: 25, den: 1, dropFrame: false },
        durationFrames: 10_000,
      });
      for (const after of ['batch 0', 'batch 2']) {
        const loader = child({ mode: 'annotate', connectionString: conn, project: 'k', versionId: version.id });
        await loader.line(after);
        loader.process.kill('SIGKILL');
        await loader.exited;
      }
      const annotations = await catalog.listAnnotations(editor('k'), version.id);
      const events = await catalog.readAudit(admin, { project: 'k', limit: 10_000 });
      const adds = events.filter((e) => e.target?.type !== 'asset' && /annotation/.test(e.action));
      expect(annotations.length % 2_000).toBe(0);
      expect(annotations.length).toBeGreaterThanOrEqual(8_000);
      expect(adds.length).toBe(annotations.length / 2_000);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect((await catalog.verifyAuditTrail(auditor)).problems).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('leases are judged by the database clock, whatever the clock of the process asking', async () => {
    const conn = server.createDatabase('adv_clock');
    const store = createPostgresCatalogStore({ connectionString: conn });
    const catalog = createCatalog({ store });
    try {
      const asset = await catalog.createAsset(editor('c'), clip('c'));
      // (A child takes seconds to start on a loaded machine: a 60 s lease, a process 90 s fast.)
      await catalog.checkOut({ id: 'holder', memberships: [{ project: 'c', role: 'editor' }] }, asset.id, {
        ttlMs: 60_000,
      });
      // A process 90 s fast (and one a day fast) must not take over a 60 s lease.
      for (const clockOffsetMs of [90_000, 86_400_000]) {
        const fast = child({
          mode: 'checkout',
          connectionString: conn,
          project: 'c',
          assetId: asset.id,
          clockOffsetMs,
        });
        expect(await fast.line('')).toBe('refused CONFLICT');
      }
      // A lease taken by a process a minute slow still lasts its 5 s from the database's now.
      const asset2 = await catalog.createAsset(editor('c'), clip('c'));
      const slow = child({
        mode: 'checkout',
        connectionString: conn,
        project: 'c',
        assetId: asset2.id,
        clockOffsetMs: -60_000,
      });
      expect(await slow.line('')).toMatch(/^token \d+$/);
      const lease = await catalog.getLease(editor('c'), asset2.id);
      const { rows } = await store_now(conn);
      expect(Date.parse(lease?.expiresAt ?? '')).toBeGreaterThan(rows);
      expect(
        (await catalog.checkOut(editor('c'), asset2.id).catch((e: unknown) => e)) as { code?: string },
      ).toMatchObject({ code: 'CONFLICT' });
    } finally {
      await store.close();
    }
  }, 90_000);

  it('audit tampering with direct SQL is found and located, per project, and nothing else is reported', async () => {
    const conn = server.createDatabase('adv_tamper');
    const store = createPostgresCatalogStore({ connectionString: conn });
    const catalog = createCatalog({ store });
    const sql = new pg.Client({ connectionString: conn });
    await sql.connect();
    try {
      const projects = ['t-delete-tail', 't-alter', 't-reorder', 't-insert', 't-truncate', 't-clean'];
      for (const project of projects)
        for (let i = 0; i < 10; i++) await catalog.createAsset(editor(project), clip(project, `${project} ${i}`));
      const anchor = await catalog.auditHead(auditor);
      const q = (text: string, params: unknown[] = []) => sql.query(text, params);
      // Delete the last two events, leave the head alone.
      await q(`DELETE FROM framewise.fw_audit WHERE project = 't-delete-tail' AND seq >= 9`);
      // Alter a field of event 5.
      await q(
        `UPDATE framewise.fw_audit SET doc = jsonb_set(doc, '{action}', '"asset.delete"') WHERE project = 't-alter' AND seq = 5`,
      );
      // Swap the contents of events 3 and 4.
      await q(`UPDATE framewise.fw_audit a SET doc = b.doc FROM framewise.fw_audit b
               WHERE a.project = 't-reorder' AND b.project = 't-reorder' AND ((a.seq = 3 AND b.seq = 4) OR (a.seq = 4 AND b.seq = 3))`);
      // Insert a copy of event 4 as a new 5, shifting the rest up.
      await q(`UPDATE framewise.fw_audit SET seq = seq + 100 WHERE project = 't-insert' AND seq >= 5`);
      await q(`UPDATE framewise.fw_audit SET seq = seq - 99 WHERE project = 't-insert' AND seq >= 105`);
      await q(
        `INSERT INTO framewise.fw_audit (project, seq, doc) SELECT project, 5, doc FROM framewise.fw_audit WHERE project = 't-insert' AND seq = 4`,
      );
      // Truncate events 8-10 and move the stored head back to match: only the anchor can tell.
      await q(`DELETE FROM framewise.fw_audit WHERE project = 't-truncate' AND seq >= 8`);
      await q(
        `UPDATE framewise.fw_audit_heads SET seq = 7, hash = (SELECT doc->>'hash' FROM framewise.fw_audit WHERE project = 't-truncate' AND seq = 7) WHERE project = 't-truncate'`,
      );
      const plain = await catalog.verifyAuditTrail(auditor);
      const anchored = await catalog.verifyAuditTrail(auditor, { expectedHead: anchor });
      expect(plain.ok).toBe(false);
      const where = (v: typeof plain, project: string) => v.problems.filter((p) => p.project === project);
      expect(where(plain, 't-clean')).toEqual([]);
      expect(where(anchored, 't-clean')).toEqual([]);
      const tail = where(plain, 't-delete-tail');
      expect(tail.length).toBeGreaterThan(0);
      for (const p of tail) expect([9, 10]).toContain(p.seq);
      expect(where(plain, 't-alter').map((p) => [p.seq, p.kind])).toContainEqual([5, 'altered']);
      expect(where(plain, 't-reorder').map((p) => [p.seq, p.kind])).toEqual([
        [3, 'reordered'],
        [4, 'reordered'],
      ]);
      expect(where(plain, 't-insert').map((p) => [p.seq, p.kind])).toContainEqual([5, 'inserted']);
      expect(where(plain, 't-insert').every((p) => p.seq >= 5)).toBe(true);
      expect(where(plain, 't-truncate')).toEqual([]);
      expect(where(anchored, 't-truncate').length).toBeGreaterThan(0);
      // The problems of one project never spill into the location of another.
      for (const p of anchored.problems) expect(projects).toContain(p.project);
    } finally {
      await sql.end();
      await store.close();
    }
  }, 120_000);

  it('a least-privilege role starts on a migrated schema with the default migrate: true; a newer schema is refused', async () => {
    const owner = server.createDatabase('adv_priv');
    const sql = new pg.Client({ connectionString: owner });
    await sql.connect();
    try {
      const ownerStore = createPostgresCatalogStore({ connectionString: owner });
      await createCatalog({ store: ownerStore }).createAsset(editor('lp'), clip('lp', 'by owner'));
      await ownerStore.close();
      await sql.query(`CREATE ROLE fw_app LOGIN`);
      await sql.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
      await sql.query(`REVOKE ALL ON DATABASE adv_priv FROM PUBLIC`);
      await sql.query(`GRANT CONNECT ON DATABASE adv_priv TO fw_app`);
      await sql.query(`GRANT USAGE ON SCHEMA framewise TO fw_app`);
      await sql.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA framewise TO fw_app`);
      const app = owner.replace('postgres@', 'fw_app@');
      const appStore = createPostgresCatalogStore({ connectionString: app });
      const catalog = createCatalog({ store: appStore });
      const asset = await catalog.createAsset(editor('lp'), clip('lp', 'by app'));
      const lease = await catalog.checkOut(editor('lp'), asset.id);
      await catalog.updateAsset(editor('lp'), asset.id, { genres: ['x'] }, { fence: lease.token });
      const v = await catalog.addVersion(
        editor('lp'),
        asset.id,
        {
          name: 'm',
          kind: 'master',
          rate: { num: 25, den: 1, dropFrame: false },
          durationFrames: 100,
        },
        { fence: lease.token },
      );
      await catalog.addAnnotations(
        editor('lp'),
        v.id,
        [{ type: 'note', start: 0, duration: 5, text: 'hi', provenance: { kind: 'person', id: 'x' } }],
        { fence: lease.token },
      );
      expect((await catalog.findAnnotations(editor('lp'), { versionId: v.id, contains: 2 })).items).toHaveLength(1);
      expect((await catalog.verifyAuditTrail(auditor)).problems).toEqual([]);
      await appStore.close();
      // A newer release migrated the schema: refused with INVALID_CONFIG, not used silently.
      await sql.query(`INSERT INTO framewise.fw_migrations (version, name) VALUES (998, 'from the future')`);
      const late = createPostgresCatalogStore({ connectionString: app });
      const error = await createCatalog({ store: late })
        .getAsset(editor('lp'), asset.id)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'INVALID_CONFIG', details: { databaseVersion: 998 } });
      await late.close();
    } finally {
      await sql.end();
    }
  }, 90_000);
});

async function store_now(conn: string): Promise<{ rows: number }> {
  const c = new pg.Client({ connectionString: conn });
  await c.connect();
  try {
    const { rows } = await c.query<{ now: Date }>('SELECT clock_timestamp() AS now');
    return { rows: (rows[0] as { now: Date }).now.getTime() };
  } finally {
    await c.end();
  }
}
