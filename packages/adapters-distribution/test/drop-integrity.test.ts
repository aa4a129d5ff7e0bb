import { execFileSync } from 'node:child_process';
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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DeliveryPackage, DistributionAdapter } from '@framewise/core/delivery';
import { FramewiseError } from '@framewise/core/errors';
import { testDistributionContext } from '@framewise/core/testing';
import { type PureFtpdServer, type SshdServer, startPureFtpd, startSshd } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFolderEndpoint } from '../src/folder/index.js';
import { createFtpEndpoint } from '../src/ftp/index.js';
import { createSftpEndpoint } from '../src/sftp/index.js';
import { mediaPackage } from './helpers.js';

let sshd: SshdServer;
let ftpd: PureFtpdServer;
const scratch = mkdtempSync(join(tmpdir(), 'fw-integrity-'));
beforeAll(async () => {
  [sshd, ftpd] = await Promise.all([startSshd(), startPureFtpd()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([sshd?.destroy(), ftpd?.destroy()]);
  rmSync(scratch, { recursive: true, force: true });
});

const nobody = () => ({
  uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })),
  gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' })),
});

/** One transport under test: how to make an endpoint, and where its drop folder is on this machine. */
interface Harness {
  readonly name: string;
  readonly root: () => string;
  readonly create: (extra?: Record<string, unknown>) => DistributionAdapter;
  /** Make what a test planted writable by the server's user. */
  readonly own?: (path: string) => void;
}
const folderRoot = join(scratch, 'folder');
const harnesses: Harness[] = [
  {
    name: 'folder',
    root: () => folderRoot,
    create: (extra = {}) => createFolderEndpoint({ root: folderRoot, ...extra }),
  },
  {
    name: 'sftp (OpenSSH)',
    root: () => sshd.root,
    create: (extra = {}) =>
      createSftpEndpoint({
        host: sshd.host,
        port: sshd.port,
        username: sshd.username,
        privateKey: sshd.privateKey,
        hostKeySha256: sshd.hostKeySha256,
        root: sshd.root,
        ...extra,
      }),
  },
  {
    name: 'ftps (pure-ftpd)',
    root: () => ftpd.home,
    create: (extra = {}) =>
      createFtpEndpoint({
        host: ftpd.host,
        port: ftpd.port,
        user: ftpd.user,
        password: ftpd.password,
        ca: ftpd.certificate,
        ...extra,
      }),
    own: (path) => {
      const { uid, gid } = nobody();
      execFileSync('chown', ['-R', '-h', `${uid}:${gid}`, path]);
    },
  },
];

/** A source that sends `cutAt` bytes, then breaks off (a dropped connection); later opens send the rest. */
function breaksOnce(body: Buffer, cutAt: number) {
  const starts: number[] = [];
  let first = true;
  const open = (start: number): Readable => {
    starts.push(start);
    if (!first) return Readable.from([body.subarray(start)]);
    first = false;
    return Readable.from(
      (async function* () {
        yield body.subarray(0, cutAt);
        await new Promise((resolve) => setTimeout(resolve, 200));
        throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
      })(),
    );
  };
  return { open, starts };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(harnesses)('drop folder integrity over $name', (h) => {
  const folder = (name: string) => join(h.root(), name, 'lt-101');
  const plantDir = (name: string) => {
    mkdirSync(folder(name), { recursive: true });
    h.own?.(join(h.root(), name));
  };

  it('never resumes a .part of another file: a master re-rendered at the same size is sent whole', async () => {
    const adapter = h.create({ packagePath: 'rerender/{assetId}' });
    const a = randomBytes(2 * 1024 * 1024);
    const b = randomBytes(a.length);
    const c = testDistributionContext();
    const first = breaksOnce(a, 1024 * 1024);
    expect((await adapter.submit(mediaPackage(a, { open: first.open }), c)).kind).toBe('retry');
    expect(readFileSync(join(folder('rerender'), '.main.mp4.part')).length).toBeGreaterThan(0);
    const second = breaksOnce(b, 0);
    second.open(0); // no break this time
    second.starts.length = 0;
    expect(await adapter.submit(mediaPackage(b, { open: second.open }), c)).toMatchObject({ kind: 'success' });
    expect(second.starts).toEqual([0]);
    expect(sha(readFileSync(join(folder('rerender'), 'main.mp4')))).toBe(sha(b));
    const sidecar = JSON.parse(readFileSync(join(folder('rerender'), 'lt-101.json'), 'utf8'));
    expect(sidecar.files[0].sha256).toBe(sha(b));
    await adapter.close();
  }, 60_000);

  it('never keeps a file in place that the resume record does not vouch for (same size, other bytes)', async () => {
    const adapter = h.create({ packagePath: 'kept/{assetId}' });
    const a = randomBytes(256 * 1024);
    const b = randomBytes(a.length);
    expect(await adapter.submit(mediaPackage(a), testDistributionContext())).toMatchObject({ kind: 'success' });
    expect(await adapter.submit(mediaPackage(b), testDistributionContext())).toMatchObject({ kind: 'success' });
    expect(sha(readFileSync(join(folder('kept'), 'main.mp4')))).toBe(sha(b));
    await adapter.close();
  }, 60_000);

  it('never writes through a symbolic link planted at the temporary name', async () => {
    const adapter = h.create({ packagePath: 'planted/{assetId}' });
    plantDir('planted');
    // The victim lies beside the drop folder's content, where the server's user can write it.
    const victim = join(h.root(), 'victim.txt');
    writeFileSync(victim, 'precious');
    h.own?.(victim);
    symlinkSync(h.name.startsWith('ftp') ? '../../victim.txt' : victim, join(folder('planted'), '.main.mp4.part'));
    h.own?.(join(folder('planted'), '.main.mp4.part'));
    const body = randomBytes(64 * 1024);
    const outcome = await adapter.submit(mediaPackage(body), testDistributionContext());
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(outcome).toMatchObject({ kind: 'success' });
    expect(sha(readFileSync(join(folder('planted'), 'main.mp4')))).toBe(sha(body));
    await adapter.close();
  }, 60_000);

  it('removes what a failed submission wrote, and removal finds what an interrupted one left', async () => {
    const adapter = h.create({ packagePath: 'failed/{assetId}' });
    const body = randomBytes(128 * 1024);
    const good = mediaPackage(body);
    const pkg: DeliveryPackage = {
      ...good,
      files: [
        ...good.files,
        {
          role: 'thumbnail',
          name: 'thumb',
          sizeBytes: 10,
          sha256: 'ab'.repeat(32),
          contentType: 'image/jpeg',
          open: async () =>
            Readable.from(
              (async function* () {
                yield Buffer.from('12345');
                throw new FramewiseError('INTEGRITY', 'the stored thumbnail does not match its catalog digest');
              })(),
            ),
        },
      ],
    };
    const c = testDistributionContext();
    expect(await adapter.submit(pkg, c)).toMatchObject({ kind: 'failed', code: 'INTEGRITY' });
    expect(existsSync(folder('failed'))).toBe(false);

    const d = testDistributionContext();
    const cut = breaksOnce(body, 64 * 1024);
    expect((await adapter.submit(mediaPackage(body, { open: cut.open }), d)).kind).toBe('retry');
    expect(readdirSync(folder('failed'))).toEqual(['.main.mp4.part']);
    expect(d.remoteId).toBeUndefined();
    expect(await adapter.remove('delete', d)).toMatchObject({ kind: 'success', remoteState: 'removed' });
    expect(existsSync(join(h.root(), 'failed'))).toBe(false);
    await adapter.close();
  }, 60_000);

  it('proves the bytes at the receiver before the rename: a .part altered behind its back is sent again', async () => {
    const adapter = h.create({ packagePath: 'proof/{assetId}', verify: 'read-back' });
    const body = randomBytes(1024 * 1024);
    const c = testDistributionContext();
    const cut = breaksOnce(body, 512 * 1024);
    expect((await adapter.submit(mediaPackage(body, { open: cut.open }), c)).kind).toBe('retry');
    // Bit rot (or a meddling process) at the receiver, in the part the resume record vouches for.
    const part = join(folder('proof'), '.main.mp4.part');
    const bytes = readFileSync(part);
    bytes[1000] = (bytes[1000] as number) ^ 0xff;
    writeFileSync(part, bytes);
    h.own?.(part);
    const resumed = await adapter.submit(mediaPackage(body, { open: cut.open }), c);
    expect(resumed).toMatchObject({ kind: 'retry' });
    expect(JSON.stringify(resumed)).toMatch(/SHA-256 differs/);
    expect(existsSync(join(folder('proof'), 'main.mp4'))).toBe(false);
    expect(await adapter.submit(mediaPackage(body, { open: cut.open }), c)).toMatchObject({ kind: 'success' });
    expect(cut.starts.at(-1)).toBe(0);
    expect(sha(readFileSync(join(folder('proof'), 'main.mp4')))).toBe(sha(body));
    await adapter.close();
  }, 60_000);
});

describe('drop folder templates', () => {
  it('refuses templates whose literal parts leave the drop folder, when the endpoint is created', () => {
    for (const packagePath of ['../{assetId}', '{assetId}/..', '/abs/{assetId}', 'a//{assetId}', './{assetId}'])
      expect(() => createFolderEndpoint({ root: join(scratch, 't'), packagePath }), packagePath).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG' }),
      );
    for (const fileName of ['../{name}{ext}', '{name}/..'])
      expect(() => createFolderEndpoint({ root: join(scratch, 't'), fileName }), fileName).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG' }),
      );
    expect(() => createFolderEndpoint({ root: join(scratch, 't'), marker: '..' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
    expect(() =>
      createFolderEndpoint({ root: join(scratch, 't'), packagePath: 'out/{field:house}/v{revision}' }),
    ).not.toThrow();
  });
});

describe('exclusive temporary files at the transport', () => {
  const cases = [
    {
      name: 'folder',
      transport: async () => (await import('../src/folder/index.js')).localTransport(folderRoot),
      root: () => folderRoot,
    },
    {
      name: 'sftp (OpenSSH)',
      transport: async () =>
        (await import('../src/sftp/index.js')).sftpTransport({
          host: sshd.host,
          port: sshd.port,
          username: sshd.username,
          privateKey: sshd.privateKey,
          hostKeySha256: sshd.hostKeySha256,
          root: sshd.root,
          readyTimeoutMs: 10_000,
          requestTimeoutMs: 10_000,
          keepaliveIntervalMs: 0,
          idleTimeoutMs: 10_000,
          chunkBytes: 64 * 1024,
          inFlight: 4,
        }),
      root: () => sshd.root,
    },
  ];
  it.each(cases)(
    '$name refuses to create or resume a file through a link (CONFLICT), the target untouched',
    async (c) => {
      const t = await c.transport();
      const victim = join(scratch, `victim-${c.name.slice(0, 4)}`);
      writeFileSync(victim, 'precious');
      mkdirSync(join(c.root(), 'excl'), { recursive: true });
      symlinkSync(victim, join(c.root(), 'excl', '.x.part'));
      for (const offset of [0, 3])
        await expect(t.write('excl/.x.part', Readable.from([Buffer.from('overwrite')]), offset)).rejects.toMatchObject({
          code: 'CONFLICT',
        });
      expect(readFileSync(victim, 'utf8')).toBe('precious');
      expect(await t.size('excl/.x.part')).toBeUndefined();
      await t.remove('excl/.x.part');
      expect(readFileSync(victim, 'utf8')).toBe('precious');
      await t.write('excl/.x.part', Readable.from([Buffer.from('fresh')]), 0);
      await expect(t.write('excl/.x.part', Readable.from([Buffer.from('again')]), 0)).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect(await t.digest('excl/.x.part', 'read-back')).toBe(sha(Buffer.from('fresh')));
      await t.close();
    },
    30_000,
  );
});
