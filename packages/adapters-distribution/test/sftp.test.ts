import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { distributionAdapterConformance, testDistributionContext } from '@framewise/core/testing';
import { type SshdServer, startSshd } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSftpEndpoint } from '../src/sftp/index.js';
import { interruptedSource, mediaPackage } from './helpers.js';

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

describe('sftp endpoint', () => {
  it('resumes after the connection is killed mid-upload, without resending confirmed bytes', async () => {
    const adapter = createSftpEndpoint(options({ packagePath: 'resume/{assetId}' }));
    const body = randomBytes(8 * 1024 * 1024);
    const source = interruptedSource(body, 3 * 1024 * 1024, () => server.stop());
    const c = testDistributionContext();
    const interrupted = await adapter.submit(mediaPackage(body, { open: source.open }), c);
    expect(interrupted.kind).toBe('retry');
    await server.start();
    expect(readdirSync(join(server.root, 'resume', 'lt-101'))).toEqual(['.main.mp4.part']);
    const part = readFileSync(join(server.root, 'resume', 'lt-101', '.main.mp4.part'));
    expect(part.length).toBeGreaterThan(0);
    expect(body.subarray(0, part.length).equals(part)).toBe(true);
    const resumed = await adapter.submit(mediaPackage(body, { open: source.open }), c);
    expect(resumed).toMatchObject({ kind: 'success' });
    expect(source.starts).toEqual([0, part.length]);
    expect(readFileSync(join(server.root, 'resume', 'lt-101', 'main.mp4')).equals(body)).toBe(true);
    await adapter.close();
  }, 60_000);

  it('refuses a server whose host key is not the pinned one', async () => {
    const adapter = createSftpEndpoint(options({ hostKeySha256: `SHA256:${'A'.repeat(43)}` }));
    const outcome = await adapter.submit(mediaPackage(Buffer.from('x')), testDistributionContext());
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
    const outcome = await adapter.submit(mediaPackage(Buffer.from('x')), testDistributionContext());
    expect(outcome.kind).toBe('auth-required');
    await adapter.close();
  });

  it('refuses options without a pinned host key or credentials', () => {
    expect(() => createSftpEndpoint({ ...options(), hostKeySha256: 'md5:aa' })).toThrow(/hostKeySha256/);
    expect(() => createSftpEndpoint({ ...options(), privateKey: undefined })).toThrow(/privateKey or password/);
  });
});
