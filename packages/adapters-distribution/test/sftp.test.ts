import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DeliveryPackage, DistributionContext } from '@framewise/core';
import { distributionAdapterConformance } from '@framewise/core/testing';
import { type SshdServer, startSshd } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSftpEndpoint } from '../src/sftp/index.js';

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

distributionAdapterConformance('sftp (OpenSSH sshd on loopback)', {
  create: () => createSftpEndpoint(options()),
  remoteItems: async () => (existsSync(server.root) ? readdirSync(server.root) : []),
  fetchFile: async (_a, remoteId, name) =>
    createHash('sha256')
      .update(readFileSync(join(server.root, remoteId, `${name}.mp4`)))
      .digest('hex'),
  faults: { down: () => server.stop(), up: () => server.start() },
});

function ctx(): DistributionContext {
  const state: { remoteId?: string; remoteFiles: Record<string, string>; progress?: unknown } = { remoteFiles: {} };
  return {
    get remoteId() {
      return state.remoteId;
    },
    get remoteFiles() {
      return state.remoteFiles;
    },
    get progress() {
      return state.progress;
    },
    async save(u) {
      if (u.remoteId !== undefined) state.remoteId = u.remoteId;
      if (u.remoteFiles !== undefined) state.remoteFiles = { ...state.remoteFiles, ...u.remoteFiles };
      if ('progress' in u) state.progress = u.progress;
    },
  };
}

const pkg = (body: Buffer, open: (start: number) => Readable): DeliveryPackage => ({
  assetId: 'lt-101',
  versionId: 'v',
  endpointId: 'sftp',
  revision: 1,
  fields: { title: 'Low Tide' },
  files: [
    {
      role: 'media',
      name: 'main',
      sizeBytes: body.length,
      contentType: 'video/mp4',
      open: async (start = 0) => open(start),
    },
  ],
});

describe('sftp endpoint', () => {
  it('resumes after the connection is killed mid-upload, without resending confirmed bytes', async () => {
    const adapter = createSftpEndpoint(options({ packagePath: 'resume/{assetId}' }));
    const body = randomBytes(8 * 1024 * 1024);
    const starts: number[] = [];
    let first = true;
    const open = (start: number) => {
      starts.push(start);
      if (!first) return Readable.from([body.subarray(start)]);
      first = false;
      // 3 MiB go out; then sshd is killed while the source is still sending.
      return Readable.from(
        (async function* () {
          for (let at = 0; at < 3 * 1024 * 1024; at += 256 * 1024) yield body.subarray(at, at + 256 * 1024);
          await new Promise((resolve) => setTimeout(resolve, 300));
          await server.stop();
          yield body.subarray(3 * 1024 * 1024, 4 * 1024 * 1024);
          throw Object.assign(new Error('connection lost'), { code: 'ECONNRESET' });
        })(),
      );
    };
    const c = ctx();
    const interrupted = await adapter.submit(pkg(body, open), c);
    expect(interrupted.kind).toBe('retry');
    await server.start();
    const partial = readdirSync(join(server.root, 'resume', 'lt-101'));
    expect(partial).toEqual(['.main.mp4.part']);
    const onDisk = readFileSync(join(server.root, 'resume', 'lt-101', '.main.mp4.part')).length;
    expect(onDisk).toBeGreaterThan(0);
    const resumed = await adapter.submit(pkg(body, open), c);
    expect(resumed).toMatchObject({ kind: 'success' });
    expect(starts).toEqual([0, onDisk]);
    expect(readFileSync(join(server.root, 'resume', 'lt-101', 'main.mp4')).equals(body)).toBe(true);
    await adapter.close();
  }, 60_000);

  it('refuses a server whose host key is not the pinned one', async () => {
    const adapter = createSftpEndpoint(options({ hostKeySha256: `SHA256:${'A'.repeat(43)}` }));
    const outcome = await adapter.submit(
      pkg(Buffer.from('x'), () => Readable.from([Buffer.from('x')])),
      ctx(),
    );
    expect(outcome.kind).not.toBe('success');
    expect(JSON.stringify(outcome)).toMatch(/host|verif/i);
    await adapter.close();
  });

  it('asks for credentials when the key is refused', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ type: 'sec1', format: 'pem' })
      .toString();
    const adapter = createSftpEndpoint(options({ privateKey: other }));
    const outcome = await adapter.submit(
      pkg(Buffer.from('x'), () => Readable.from([Buffer.from('x')])),
      ctx(),
    );
    expect(outcome.kind).toBe('auth-required');
    await adapter.close();
  });

  it('refuses options without a pinned host key or credentials', () => {
    expect(() => createSftpEndpoint({ ...options(), hostKeySha256: 'md5:aa' })).toThrow(/hostKeySha256/);
    expect(() => createSftpEndpoint({ ...options(), privateKey: undefined })).toThrow(/privateKey or password/);
  });
});
