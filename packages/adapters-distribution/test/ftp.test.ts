import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DeliveryPackage, DistributionContext } from '@framewise/core';
import { distributionAdapterConformance } from '@framewise/core/testing';
import { type PureFtpdServer, startPureFtpd } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFtpEndpoint } from '../src/ftp/index.js';

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
const items = () => (existsSync(server.home) ? readdirSync(server.home) : []);
const sha = (remoteId: string, name: string) =>
  createHash('sha256')
    .update(readFileSync(join(server.home, remoteId, `${name}.mp4`)))
    .digest('hex');

distributionAdapterConformance('ftps (pure-ftpd on loopback, explicit TLS)', {
  create: () => createFtpEndpoint(options()),
  remoteItems: async () => items(),
  fetchFile: async (_a, remoteId, name) => sha(remoteId, name),
  faults: { down: () => server.stop(), up: () => server.start() },
});

distributionAdapterConformance('ftp (pure-ftpd on loopback, plain)', {
  create: () => createFtpEndpoint(options({ tls: 'none', packagePath: 'plain/{assetId}/v{revision}' })),
  remoteItems: async () => (existsSync(join(server.home, 'plain')) ? readdirSync(join(server.home, 'plain')) : []),
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
  endpointId: 'ftp',
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

describe('ftps endpoint', () => {
  it('resumes after the server is killed mid-upload, sending only the bytes it does not have', async () => {
    const adapter = createFtpEndpoint(options({ packagePath: 'resume/{assetId}' }));
    const body = randomBytes(8 * 1024 * 1024);
    const starts: number[] = [];
    let first = true;
    const open = (start: number) => {
      starts.push(start);
      if (!first) return Readable.from([body.subarray(start)]);
      first = false;
      return Readable.from(
        (async function* () {
          for (let at = 0; at < 3 * 1024 * 1024; at += 256 * 1024) yield body.subarray(at, at + 256 * 1024);
          await new Promise((resolve) => setTimeout(resolve, 300));
          await server.stop();
          yield body.subarray(3 * 1024 * 1024, 4 * 1024 * 1024);
        })(),
      );
    };
    const c = ctx();
    const interrupted = await adapter.submit(pkg(body, open), c);
    expect(interrupted.kind).toBe('retry');
    await server.start();
    const part = join(server.home, 'resume', 'lt-101', '.main.mp4.part');
    const onDisk = readFileSync(part).length;
    expect(onDisk).toBeGreaterThan(0);
    expect(body.subarray(0, onDisk).equals(readFileSync(part))).toBe(true);
    const resumed = await adapter.submit(pkg(body, open), c);
    expect(resumed).toMatchObject({ kind: 'success' });
    expect(starts).toEqual([0, onDisk]);
    expect(readFileSync(join(server.home, 'resume', 'lt-101', 'main.mp4')).equals(body)).toBe(true);
    await adapter.close();
  }, 60_000);

  it('asks for credentials when the password is refused', async () => {
    const adapter = createFtpEndpoint(options({ password: 'wrong' }));
    const outcome = await adapter.submit(
      pkg(Buffer.from('x'), () => Readable.from([Buffer.from('x')])),
      ctx(),
    );
    expect(outcome.kind).toBe('auth-required');
    await adapter.close();
  });

  it('refuses a server certificate it was not told to trust', async () => {
    const adapter = createFtpEndpoint(options({ ca: undefined }));
    const outcome = await adapter.submit(
      pkg(Buffer.from('x'), () => Readable.from([Buffer.from('x')])),
      ctx(),
    );
    expect(outcome.kind).not.toBe('success');
    expect(JSON.stringify(outcome)).toMatch(/certificate/i);
    await adapter.close();
  });
});
