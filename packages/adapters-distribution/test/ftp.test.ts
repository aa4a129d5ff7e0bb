import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { distributionAdapterConformance, testDistributionContext } from '@framewise/core/testing';
import { type PureFtpdServer, startPureFtpd } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFtpEndpoint } from '../src/ftp/index.js';
import { interruptedSource, mediaPackage } from './helpers.js';

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

describe('ftps endpoint', () => {
  it('resumes after the server is killed mid-upload, sending only the bytes it does not have', async () => {
    const adapter = createFtpEndpoint(options({ packagePath: 'resume/{assetId}' }));
    const body = randomBytes(8 * 1024 * 1024);
    const source = interruptedSource(body, 3 * 1024 * 1024, () => server.stop());
    const c = testDistributionContext();
    const interrupted = await adapter.submit(mediaPackage(body, { open: source.open }), c);
    expect(interrupted.kind).toBe('retry');
    await server.start();
    const part = readFileSync(join(server.home, 'resume', 'lt-101', '.main.mp4.part'));
    expect(part.length).toBeGreaterThan(0);
    expect(body.subarray(0, part.length).equals(part)).toBe(true);
    const resumed = await adapter.submit(mediaPackage(body, { open: source.open }), c);
    expect(resumed).toMatchObject({ kind: 'success' });
    expect(source.starts).toEqual([0, part.length]);
    expect(readFileSync(join(server.home, 'resume', 'lt-101', 'main.mp4')).equals(body)).toBe(true);
    await adapter.close();
  }, 60_000);

  it('asks for credentials when the password is refused', async () => {
    const adapter = createFtpEndpoint(options({ password: 'wrong' }));
    const outcome = await adapter.submit(mediaPackage(Buffer.from('x')), testDistributionContext());
    expect(outcome.kind).toBe('auth-required');
    await adapter.close();
  });

  it('refuses a server certificate it was not told to trust', async () => {
    const adapter = createFtpEndpoint(options({ ca: undefined }));
    const outcome = await adapter.submit(mediaPackage(Buffer.from('x')), testDistributionContext());
    expect(outcome.kind).not.toBe('success');
    expect(JSON.stringify(outcome)).toMatch(/certificate/i);
    await adapter.close();
  });
});
