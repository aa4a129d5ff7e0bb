/**
 * Lighter installs: the heavy clients of `@framewise/adapters-storage` and
 * `@framewise/adapters-distribution` are optional peers of the subpath that needs them.
 *
 * The built packages, laid out as a strict install would lay them out (each package sees only
 *    its own `dependencies`, as with pnpm, so nothing resolves by accident through hoisting) and
 *    without any peer: plain Node (not the test runner's resolver) loads `/fs` and `/folder` and
 *    they work, while `/s3`, `/postgres`, `/pglite`, `/sftp` and `/ftp` load, construct, and fail
 *    on first use with the typed error naming the package to install.
 *
 * The packages are built with tsup (JavaScript only) into a temp dir rather than packed and
 * installed from a registry: the layout is what `pnpm add` of the tarballs produces, without
 * needing the network or a full declaration build. (Each adapter package's `test/peers.test.ts`
 * checks its manifest against its `src/peers.ts`.)
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
    name: string;
    dependencies?: Record<string, string>;
  };

/** Build a package's JavaScript into `<store>/<dir>/node_modules/<name>`, beside links to its own dependencies. */
function install(store: string, dir: string, links: Record<string, string>): string {
  const pkgDir = join(root, 'packages', dir);
  const m = manifest(dir);
  const home = join(store, dir, 'node_modules');
  const target = join(home, m.name);
  mkdirSync(target, { recursive: true });
  execFileSync('pnpm', ['exec', 'tsup', '--no-dts', '--no-sourcemap', '--out-dir', join(target, 'dist')], {
    cwd: pkgDir,
    stdio: 'ignore',
  });
  cpSync(join(pkgDir, 'package.json'), join(target, 'package.json'));
  for (const dep of Object.keys(m.dependencies ?? {})) {
    mkdirSync(dirname(join(home, dep)), { recursive: true });
    symlinkSync(realpathSync(join(pkgDir, 'node_modules', dep)), join(home, dep), 'dir');
  }
  for (const [name, path] of Object.entries(links)) {
    mkdirSync(dirname(join(home, name)), { recursive: true });
    symlinkSync(path, join(home, name), 'dir');
  }
  return target;
}

const CHECK = `
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';

const out = {};
const failure = (e) => ({ code: e?.code, branded: e?.[Symbol.for('framewise.error')] === true, message: e?.message });
const attempt = async (fn) => { try { return { ok: await fn() }; } catch (e) { return { error: failure(e) }; } };

// /fs works without the AWS SDK, pg or PGlite.
const { createFsStorage } = await import('@framewise/adapters-storage/fs');
const fs = createFsStorage({ root: mkdtempSync(join(tmpdir(), 'fw-fs-')) });
await fs.put('a/b.txt', Readable.from([Buffer.from('hello')]), {});
const chunks = [];
for await (const c of await fs.get('a/b.txt', {})) chunks.push(c);
out.fs = Buffer.concat(chunks).toString();

// /s3, /postgres, /pglite load and construct (no I/O at construction), and fail on first use.
const { createS3Storage } = await import('@framewise/adapters-storage/s3');
const s3 = createS3Storage({ bucket: 'media', endpoint: 'http://127.0.0.1:9', forcePathStyle: true });
out.s3 = await attempt(() => s3.head('x'));
out.s3Again = await attempt(() => s3.list('', { limit: 1 }));
out.s3Close = await attempt(() => s3.close());
const { createPostgresCatalogStore } = await import('@framewise/adapters-storage/postgres');
const pgStore = createPostgresCatalogStore({ connectionString: 'postgres://127.0.0.1:9/x', migrate: false });
out.postgres = await attempt(() => pgStore.getAsset('x'));
const { createPGliteCatalogStore } = await import('@framewise/adapters-storage/pglite');
const lite = createPGliteCatalogStore({ migrate: false });
out.pglite = await attempt(() => lite.getAsset('x'));

// /folder works without ssh2 or basic-ftp.
const body = Buffer.from('media bytes');
const pkg = {
  assetId: 'a1', versionId: 'v1', endpointId: 'drop', revision: 1, fields: { title: 'T' },
  files: [{ role: 'media', name: 'main', sizeBytes: body.length, sha256: createHash('sha256').update(body).digest('hex'),
    contentType: 'video/mp4', open: async (start = 0) => Readable.from([body.subarray(start)]) }],
};
const ctx = () => { const s = { remoteFiles: {} }; return { get remoteId() { return s.remoteId; }, get remoteFiles() { return s.remoteFiles; },
  get progress() { return s.progress; }, async save(u) { Object.assign(s, u); } }; };
const { createFolderEndpoint } = await import('@framewise/adapters-distribution/folder');
const dropRoot = mkdtempSync(join(tmpdir(), 'fw-drop-'));
const folder = createFolderEndpoint({ root: dropRoot });
out.folder = (await folder.submit(pkg, ctx())).kind;
out.folderFiles = readdirSync(dropRoot, { recursive: true }).length;

// /sftp and /ftp: the transport throws the typed error; the adapter answers it as a failed outcome.
const sftp = await import('@framewise/adapters-distribution/sftp');
const sftpOptions = { host: '127.0.0.1', port: 9, username: 'u', password: 'p', hostKeySha256: 'SHA256:' + 'A'.repeat(43), root: '/drop' };
out.sftp = await sftp.createSftpEndpoint(sftpOptions).submit(pkg, ctx());
const ftp = await import('@framewise/adapters-distribution/ftp');
out.ftp = await ftp.createFtpEndpoint({ host: '127.0.0.1', port: 9, user: 'u', password: 'p', tls: 'none', root: '/drop' }).submit(pkg, ctx());
console.log(JSON.stringify(out));
`;

describe('the built packages installed without their optional peers', () => {
  let dir: string;
  let result: Record<string, unknown>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'framewise-peers-'));
    const store = join(dir, 'store');
    const core = install(store, 'core', {});
    const storage = install(store, 'adapters-storage', { '@framewise/core': core });
    const distribution = install(store, 'adapters-distribution', { '@framewise/core': core });
    const app = join(dir, 'app');
    mkdirSync(join(app, 'node_modules', '@framewise'), { recursive: true });
    for (const [name, path] of [
      ['core', core],
      ['adapters-storage', storage],
      ['adapters-distribution', distribution],
    ] as const)
      symlinkSync(path, join(app, 'node_modules', '@framewise', name), 'dir');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    writeFileSync(join(app, 'check.mjs'), CHECK);
    const stdout = execFileSync(process.execPath, ['check.mjs'], { cwd: app, encoding: 'utf8' });
    result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
  }, 600_000);

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('runs /fs and /folder', () => {
    expect(result.fs).toBe('hello');
    expect(result.folder).toBe('success');
    expect(result.folderFiles).toBeGreaterThan(0);
  });

  it('fails /s3 on first use, every time, with INVALID_CONFIG naming the package and the install line', () => {
    const error = {
      code: 'INVALID_CONFIG',
      branded: true,
      message:
        '@framewise/adapters-storage/s3 needs "@aws-sdk/client-s3": install it with npm i @aws-sdk/client-s3@^3.1162.0',
    };
    expect(result.s3).toEqual({ error });
    expect(result.s3Again).toEqual({ error });
    // Nothing was opened, so closing is quiet.
    expect(result.s3Close).toEqual({});
  });

  it('fails /postgres and /pglite on first use naming pg and PGlite', () => {
    expect(result.postgres).toMatchObject({
      error: {
        code: 'INVALID_CONFIG',
        message: '@framewise/adapters-storage/postgres needs "pg": install it with npm i pg@^8.23.1',
      },
    });
    expect(result.pglite).toMatchObject({
      error: {
        code: 'INVALID_CONFIG',
        message:
          '@framewise/adapters-storage/pglite needs "@electric-sql/pglite": install it with npm i @electric-sql/pglite@^0.5.16',
      },
    });
  });

  it('answers a delivery to /sftp or /ftp as failed INVALID_CONFIG naming ssh2 or basic-ftp', () => {
    expect(result.sftp).toMatchObject({ kind: 'failed', code: 'INVALID_CONFIG' });
    expect((result.sftp as { message: string }).message).toContain(
      '@framewise/adapters-distribution/sftp needs "ssh2": install it with npm i ssh2@^1.17.0',
    );
    expect(result.ftp).toMatchObject({ kind: 'failed', code: 'INVALID_CONFIG' });
    expect((result.ftp as { message: string }).message).toContain(
      '@framewise/adapters-distribution/ftp needs "basic-ftp": install it with npm i basic-ftp@^6.2.3',
    );
  });
});
