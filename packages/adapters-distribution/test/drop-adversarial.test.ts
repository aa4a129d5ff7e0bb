/**
 * Adversarial drop-folder cases for issue 19, written from docs/distribution.md and the adapter
 * pages only, against the local folder, OpenSSH's sftp-server and pure-ftpd.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { DistributionAdapter, DistributionOutcome } from '@framewise/core/delivery';
import { testDistributionContext } from '@framewise/core/testing';
import { type PureFtpdServer, type SshdServer, startPureFtpd, startSshd } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFolderEndpoint } from '../src/folder/index.js';
import { createFtpEndpoint } from '../src/ftp/index.js';
import { createSftpEndpoint } from '../src/sftp/index.js';
import { mediaPackage } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A source that sends `cutAt` bytes and then breaks off (a dropped connection). */
const breaking = (body: Buffer, cutAt: number) => (start: number) =>
  Readable.from(
    (async function* () {
      if (start >= cutAt) {
        yield body.subarray(start);
        return;
      }
      yield body.subarray(start, cutAt);
      await new Promise((r) => setTimeout(r, 50));
      throw Object.assign(new Error('connection lost'), { code: 'ECONNRESET' });
    })(),
  );

interface Target {
  readonly name: string;
  /** The receiver's root on this machine. */
  root(): string;
  make(extra?: Record<string, unknown>): DistributionAdapter;
}

function dropCases(target: Target) {
  describe(`${target.name}: adversarial`, () => {
    const file = (dir: string, name: string) => join(target.root(), dir, name);

    it('a .part of other bytes (an earlier render, same size) is not resumed', async () => {
      const adapter = target.make({ packagePath: 'rerender-part/{assetId}' });
      try {
        const ctx = testDistributionContext();
        const old = randomBytes(3 * 1024 * 1024);
        const cut = 1024 * 1024 + 4096;
        const first = await adapter.submit(mediaPackage(old, { open: breaking(old, cut) }), ctx);
        expect(first.kind).toBe('retry');
        // the master is re-rendered at the same size; the retry must not keep the old prefix
        const fresh = randomBytes(old.length);
        const second = await adapter.submit(mediaPackage(fresh), ctx);
        expect(second.kind).toBe('success');
        expect(sha256(readFileSync(file('rerender-part/lt-101', 'main.mp4')))).toBe(sha256(fresh));
        const sidecar = JSON.parse(readFileSync(file('rerender-part/lt-101', 'lt-101.json'), 'utf8'));
        expect(JSON.stringify(sidecar)).toContain(sha256(fresh));
      } finally {
        await adapter.close();
      }
    });

    it('a file in place from an earlier render of the same size is sent again', async () => {
      const adapter = target.make({ packagePath: 'rerender-done/{assetId}' });
      try {
        const ctx = testDistributionContext();
        const old = randomBytes(512 * 1024);
        expect((await adapter.submit(mediaPackage(old), ctx)).kind).toBe('success');
        const fresh = randomBytes(old.length);
        // same record, same revision: a retried submission after the master changed
        expect((await adapter.submit(mediaPackage(fresh), ctx)).kind).toBe('success');
        expect(sha256(readFileSync(file('rerender-done/lt-101', 'main.mp4')))).toBe(sha256(fresh));
        // and with no record at all (a lost record): sent whole
        const other = randomBytes(old.length);
        expect((await adapter.submit(mediaPackage(other), testDistributionContext())).kind).toBe('success');
        expect(sha256(readFileSync(file('rerender-done/lt-101', 'main.mp4')))).toBe(sha256(other));
      } finally {
        await adapter.close();
      }
    });

    it('a .part tampered at the receiver between attempts is caught by read-back and restarted', async () => {
      const adapter = target.make({ packagePath: 'tamper-part/{assetId}', verify: 'read-back' });
      try {
        const ctx = testDistributionContext();
        const body = randomBytes(2 * 1024 * 1024);
        const cut = 1024 * 1024;
        expect((await adapter.submit(mediaPackage(body, { open: breaking(body, cut) }), ctx)).kind).toBe('retry');
        const part = file('tamper-part/lt-101', '.main.mp4.part');
        const have = readFileSync(part);
        expect(have.length).toBeGreaterThan(0);
        have[10] = (have[10] as number) ^ 0xff;
        writeFileSync(part, have);
        let outcome: DistributionOutcome = { kind: 'retry', afterMs: 0, reason: '' };
        for (let i = 0; i < 3 && outcome.kind === 'retry'; i++) outcome = await adapter.submit(mediaPackage(body), ctx);
        expect(outcome.kind).toBe('success');
        expect(sha256(readFileSync(file('tamper-part/lt-101', 'main.mp4')))).toBe(sha256(body));
      } finally {
        await adapter.close();
      }
    });

    it('a symlink planted at the .part name is never written through', async () => {
      const adapter = target.make({ packagePath: 'planted/{assetId}' });
      const victimDir = mkdtempSync(join(tmpdir(), 'fw-victim-'));
      const victim = join(victimDir, 'victim');
      writeFileSync(victim, 'precious');
      try {
        mkdirSync(file('planted/lt-101', ''), { recursive: true });
        symlinkSync(victim, file('planted/lt-101', '.main.mp4.part'));
        const body = randomBytes(300 * 1024);
        const outcome = await adapter.submit(mediaPackage(body), testDistributionContext());
        expect(readFileSync(victim, 'utf8')).toBe('precious');
        if (outcome.kind === 'success')
          expect(sha256(readFileSync(file('planted/lt-101', 'main.mp4')))).toBe(sha256(body));
        else expect(outcome.kind).not.toBe('success');
      } finally {
        await adapter.close();
        rmSync(victimDir, { recursive: true, force: true });
      }
    });

    it('a symlink planted at the .part name with a record that vouches for it is not resumed through', async () => {
      const adapter = target.make({ packagePath: 'planted2/{assetId}' });
      const victimDir = mkdtempSync(join(tmpdir(), 'fw-victim-'));
      const victim = join(victimDir, 'victim');
      try {
        const ctx = testDistributionContext();
        const body = randomBytes(2 * 1024 * 1024);
        expect((await adapter.submit(mediaPackage(body, { open: breaking(body, 1024 * 1024) }), ctx)).kind).toBe(
          'retry',
        );
        const part = file('planted2/lt-101', '.main.mp4.part');
        const had = readFileSync(part);
        writeFileSync(victim, had);
        rmSync(part);
        symlinkSync(victim, part);
        const outcome = await adapter.submit(mediaPackage(body), ctx);
        expect(readFileSync(victim).equals(had)).toBe(true);
        if (outcome.kind === 'success')
          expect(sha256(readFileSync(file('planted2/lt-101', 'main.mp4')))).toBe(sha256(body));
      } finally {
        await adapter.close();
        rmSync(victimDir, { recursive: true, force: true });
      }
    });

    it('a symlinked package folder leading out of the root is never written through', async () => {
      const adapter = target.make({ packagePath: 'linkdir/{assetId}' });
      const victimDir = mkdtempSync(join(tmpdir(), 'fw-victim-dir-'));
      try {
        mkdirSync(file('linkdir', ''), { recursive: true });
        symlinkSync(victimDir, file('linkdir', 'lt-101'));
        const outcome = await adapter.submit(mediaPackage(randomBytes(1000)), testDistributionContext());
        expect(readdirSync(victimDir)).toEqual([]);
        expect(outcome.kind).not.toBe('success');
      } finally {
        await adapter.close();
        rmSync(victimDir, { recursive: true, force: true });
      }
    });

    it('remove() of a package folder swapped for a symlink deletes nothing it points to', async () => {
      const adapter = target.make({ packagePath: 'swap/{assetId}' });
      const victimDir = mkdtempSync(join(tmpdir(), 'fw-victim-rm-'));
      try {
        writeFileSync(join(victimDir, 'main.mp4'), 'precious');
        mkdirSync(join(victimDir, 'sub'));
        writeFileSync(join(victimDir, 'sub', 'keep'), 'precious');
        const ctx = testDistributionContext();
        expect((await adapter.submit(mediaPackage(randomBytes(1000)), ctx)).kind).toBe('success');
        rmSync(file('swap/lt-101', ''), { recursive: true });
        symlinkSync(victimDir, file('swap/lt-101', ''));
        await adapter.remove('delete', ctx);
        expect(readFileSync(join(victimDir, 'main.mp4'), 'utf8')).toBe('precious');
        expect(readFileSync(join(victimDir, 'sub', 'keep'), 'utf8')).toBe('precious');
      } finally {
        await adapter.close();
        rmSync(victimDir, { recursive: true, force: true });
      }
    });

    it('a submission that fails for good removes what it wrote; remove() takes what is left', async () => {
      const adapter = target.make({ packagePath: 'failed/{assetId}' });
      try {
        const ctx = testDistributionContext();
        const good = randomBytes(200 * 1024);
        const rotten = randomBytes(200 * 1024);
        const pkg = mediaPackage(good);
        const bad = {
          ...pkg,
          files: [
            ...pkg.files,
            {
              role: 'media' as const,
              name: 'second',
              sizeBytes: rotten.length,
              sha256: sha256(rotten),
              contentType: 'video/mp4',
              // the storage read fails its digest check: a permanent failure
              open: async () =>
                Readable.from(
                  (async function* () {
                    yield rotten.subarray(0, 1000);
                    const { FramewiseError } = await import('@framewise/core');
                    throw new FramewiseError('INTEGRITY', 'second: digest mismatch');
                  })(),
                ),
            },
          ],
        };
        const outcome = await adapter.submit(bad, ctx);
        expect(outcome.kind).toBe('failed');
        const left = existsSync(file('failed/lt-101', '')) ? readdirSync(file('failed/lt-101', '')) : [];
        expect(left).toEqual([]);
        const removed = await adapter.remove('delete', ctx);
        expect(removed.kind).toBe('success');
        expect(existsSync(file('failed/lt-101', ''))).toBe(false);
      } finally {
        await adapter.close();
      }
    });

    it('templates that leave the root are refused at creation', () => {
      for (const bad of [
        { packagePath: '../{assetId}' },
        { packagePath: '{assetId}/../../x' },
        { packagePath: './{assetId}' },
        { packagePath: '/{assetId}' },
        { packagePath: '{assetId}//v{revision}' },
        { packagePath: '{assetId}/..' },
        { packagePath: '{assetId}\\..\\x' },
        { fileName: '../{name}{ext}' },
        { fileName: '{name}/../../x{ext}' },
        { sidecar: '../{assetId}.json' },
        { marker: '../READY' },
        { marker: '..' },
      ]) {
        let code = 'ok';
        try {
          target.make(bad);
        } catch (error) {
          code = (error as { code?: string }).code ?? String(error);
        }
        expect(`${JSON.stringify(bad)} ${code}`).toBe(`${JSON.stringify(bad)} INVALID_CONFIG`);
      }
    });

    it('a field value with .. or a separator fails the delivery typed and writes nothing', async () => {
      const adapter = target.make({ packagePath: 'fields/{field:houseNumber}' });
      try {
        for (const houseNumber of ['..', '../x', 'a/b', '.hidden', 'a\\b', 'x\u0000y']) {
          const outcome = await adapter.submit(
            mediaPackage(randomBytes(100), { fields: { houseNumber } }),
            testDistributionContext(),
          );
          expect(`${houseNumber} ${outcome.kind} ${outcome.kind === 'failed' ? outcome.code : ''}`).toBe(
            `${houseNumber} failed INVALID_INPUT`,
          );
        }
        expect(existsSync(join(target.root(), 'x'))).toBe(false);
      } finally {
        await adapter.close();
      }
    });
  });
}

describe('folder', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'fw-adv-drop-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  dropCases({
    name: 'folder',
    root: () => root,
    make: (extra = {}) => createFolderEndpoint({ root, ...extra }),
  });
});

describe('sftp', () => {
  let server: SshdServer;
  beforeAll(async () => {
    server = await startSshd();
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
  });
  const options = (extra: Record<string, unknown> = {}) => ({
    host: server.host,
    port: server.port,
    username: server.username,
    privateKey: server.privateKey,
    hostKeySha256: server.hostKeySha256,
    root: server.root,
    ...extra,
  });
  dropCases({ name: 'sftp', root: () => server.root, make: (extra) => createSftpEndpoint(options(extra)) });

  it('a client killed -9 mid-upload resumes from its saved record, byte-identical', async () => {
    const work = mkdtempSync(join(tmpdir(), 'fw-kill9-'));
    try {
      const body = randomBytes(4 * 1024 * 1024);
      writeFileSync(join(work, 'body'), body);
      const statePath = join(work, 'state.json');
      const opts = options({ packagePath: 'kill9/{assetId}' });
      const child = spawn(
        process.execPath,
        [
          '--conditions=@framewise/source',
          '--import',
          'tsx',
          join(here, 'fixtures/sftp-uploader.ts'),
          statePath,
          join(work, 'body'),
          JSON.stringify(opts),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const m = [...out.matchAll(/sent (\d+)/g)].at(-1);
          if (m && Number(m[1]) >= 1.5 * 1024 * 1024) resolve();
          if (out.includes('done')) reject(new Error('the upload finished before it was killed'));
        });
        child.on('exit', () => reject(new Error(`uploader exited early: ${out}`)));
      });
      child.kill('SIGKILL');
      await exited;
      const part = join(server.root, 'kill9/lt-101', '.main.mp4.part');
      expect(existsSync(part)).toBe(true);
      const partBytes = readFileSync(part).length;
      expect(partBytes).toBeGreaterThan(0);
      const saved = JSON.parse(readFileSync(statePath, 'utf8'));
      const ctx = testDistributionContext();
      await ctx.save(saved);
      const starts: number[] = [];
      const adapter = createSftpEndpoint(opts);
      try {
        const outcome = await adapter.submit(
          mediaPackage(body, {
            open: (start) => {
              starts.push(start);
              return Readable.from([body.subarray(start)]);
            },
          }),
          ctx,
        );
        expect(outcome.kind).toBe('success');
      } finally {
        await adapter.close();
      }
      expect(sha256(readFileSync(join(server.root, 'kill9/lt-101', 'main.mp4')))).toBe(sha256(body));
      // it resumed (not from byte 0), from no further than what the .part held
      expect(starts[0]).toBeGreaterThan(0);
      expect(starts[0]).toBeLessThanOrEqual(partBytes);
      expect(readdirSync(join(server.root, 'kill9/lt-101')).filter((n) => n.endsWith('.part'))).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);

  it('a server that accepts TCP and never answers fails with TIMEOUT', async () => {
    const { server: hung, port, sockets } = await silentServer();
    const adapter = createSftpEndpoint({ ...options(), port, readyTimeoutMs: 1500, requestTimeoutMs: 1500 });
    try {
      const outcome = await adapter.submit(mediaPackage(randomBytes(1000)), testDistributionContext());
      expect(outcome.kind).toBe('retry');
      expect(outcome.kind === 'retry' ? outcome.reason : '').toMatch(/not ready within|no answer within/);
    } finally {
      await adapter.close();
      for (const s of sockets) s.destroy();
      hung.close();
    }
  });
});

describe('ftp', () => {
  let server: PureFtpdServer;
  beforeAll(async () => {
    server = await startPureFtpd();
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
  });
  const options = (extra: Record<string, unknown> = {}) => ({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    ca: server.certificate,
    ...extra,
  });
  dropCases({ name: 'ftp', root: () => server.home, make: (extra) => createFtpEndpoint(options(extra)) });

  it('a server that accepts TCP and never answers fails with TIMEOUT', async () => {
    const { server: hung, port, sockets } = await silentServer();
    const adapter = createFtpEndpoint({ ...options(), port, connectTimeoutMs: 1500, requestTimeoutMs: 1500 });
    try {
      const outcome = await adapter.submit(mediaPackage(randomBytes(1000)), testDistributionContext());
      expect(outcome.kind).toBe('retry');
      expect(outcome.kind === 'retry' ? outcome.reason : '').toMatch(/not ready within|no answer within/);
    } finally {
      await adapter.close();
      for (const s of sockets) s.destroy();
      hung.close();
    }
  });
});

/** A TCP server on loopback that accepts connections and never sends a byte. */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, sockets };
}
