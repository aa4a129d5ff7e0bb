import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { testDistributionContext } from '@framewise/core/testing';
import { type PureFtpdServer, type SshdServer, startPureFtpd, startSshd } from '@framewise/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFtpEndpoint, ftpTransport } from '../src/ftp/index.js';
import { createSftpEndpoint, sftpTransport } from '../src/sftp/index.js';
import { mediaPackage } from './helpers.js';

let sshd: SshdServer;
let ftpd: PureFtpdServer;
/** A server that accepts connections and never says a word. */
let silent: Server;
const sockets: Socket[] = [];
beforeAll(async () => {
  [sshd, ftpd] = await Promise.all([startSshd(), startPureFtpd()]);
  silent = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.destroy();
  silent?.close();
  await Promise.all([sshd?.destroy(), ftpd?.destroy()]);
});
const silentPort = () => (silent.address() as { port: number }).port;

/** A source that sends `before` bytes, hangs the server, then offers the rest (which it will never ack). */
function hangsServer(body: Buffer, before: number, hang: () => void): (start: number) => Readable {
  let first = true;
  return (start) => {
    if (!first) return Readable.from([body.subarray(start)]);
    first = false;
    return Readable.from(
      (async function* () {
        for (let at = 0; at < body.length; at += 256 * 1024) {
          if (at === before) hang();
          yield body.subarray(at, at + 256 * 1024);
        }
      })(),
    );
  };
}

const sftpOptions = (extra: Record<string, unknown> = {}) => ({
  host: sshd.host,
  port: sshd.port,
  username: sshd.username,
  privateKey: sshd.privateKey,
  hostKeySha256: sshd.hostKeySha256,
  root: sshd.root,
  ...extra,
});
const ftpOptions = (extra: Record<string, unknown> = {}) => ({
  host: ftpd.host,
  port: ftpd.port,
  user: ftpd.user,
  password: ftpd.password,
  ca: ftpd.certificate,
  ...extra,
});

describe('a hung server never hangs a delivery', () => {
  it('SFTP: a server that stops answering mid-upload ends the call with a retry (TIMEOUT), then it resumes', async () => {
    const adapter = createSftpEndpoint(
      sftpOptions({ packagePath: 'hung/{assetId}', requestTimeoutMs: 1_500, keepaliveIntervalMs: 500 }),
    );
    const body = randomBytes(8 * 1024 * 1024);
    const c = testDistributionContext();
    let outcome: Awaited<ReturnType<typeof adapter.submit>>;
    try {
      outcome = await adapter.submit(
        mediaPackage(body, { open: hangsServer(body, 1024 * 1024, () => sshd.freeze()) }),
        c,
      );
    } finally {
      sshd.thaw();
    }
    expect(outcome).toMatchObject({ kind: 'retry' });
    expect(JSON.stringify(outcome)).toMatch(/no answer within 1500 ms|keepalive|timed out/i);
    const again = await adapter.submit(mediaPackage(body), c);
    expect(again).toMatchObject({ kind: 'success' });
    await adapter.close();
  }, 40_000);

  it('SFTP: every request has its timeout; a silent server fails the connection with TIMEOUT', async () => {
    const t = sftpTransport({
      ...sftpOptions(),
      readyTimeoutMs: 1_000,
      requestTimeoutMs: 1_000,
      keepaliveIntervalMs: 0,
      idleTimeoutMs: 5_000,
      chunkBytes: 64 * 1024,
      inFlight: 4,
    });
    expect(await t.size('nothing-here')).toBeUndefined(); // connected
    sshd.freeze();
    try {
      await expect(t.size('nothing-here')).rejects.toMatchObject({ code: 'TIMEOUT' });
    } finally {
      sshd.thaw();
    }
    expect(await t.size('nothing-here')).toBeUndefined(); // a new connection
    await t.close();
    const mute = sftpTransport({
      ...sftpOptions(),
      port: silentPort(),
      readyTimeoutMs: 1_000,
      requestTimeoutMs: 1_000,
      keepaliveIntervalMs: 0,
      idleTimeoutMs: 5_000,
      chunkBytes: 64 * 1024,
      inFlight: 4,
    });
    await expect(mute.size('x')).rejects.toMatchObject({ code: 'TIMEOUT' });
    await mute.close();
  }, 40_000);

  it('FTP: a server that stops answering mid-upload or on a command fails with TIMEOUT, then works again', async () => {
    const adapter = createFtpEndpoint(
      ftpOptions({ packagePath: 'hung/{assetId}', timeoutMs: 1_500, requestTimeoutMs: 1_500 }),
    );
    const body = randomBytes(8 * 1024 * 1024);
    const c = testDistributionContext();
    let outcome: Awaited<ReturnType<typeof adapter.submit>>;
    try {
      outcome = await adapter.submit(
        mediaPackage(body, { open: hangsServer(body, 1024 * 1024, () => ftpd.freeze()) }),
        c,
      );
    } finally {
      ftpd.thaw();
    }
    expect(outcome).toMatchObject({ kind: 'retry' });
    expect(await adapter.submit(mediaPackage(body), c)).toMatchObject({ kind: 'success' });
    await adapter.close();

    const t = ftpTransport({
      ...ftpOptions(),
      tls: 'explicit',
      root: '/',
      timeoutMs: 60_000,
      connectTimeoutMs: 1_000,
      requestTimeoutMs: 1_000,
      idleTimeoutMs: 5_000,
    });
    expect(await t.size('nothing-here')).toBeUndefined();
    ftpd.freeze();
    try {
      await expect(t.size('nothing-here')).rejects.toMatchObject({ code: 'TIMEOUT' });
    } finally {
      ftpd.thaw();
    }
    expect(await t.size('nothing-here')).toBeUndefined();
    await t.close();
    const mute = ftpTransport({
      ...ftpOptions(),
      port: silentPort(),
      tls: 'explicit',
      root: '/',
      timeoutMs: 60_000,
      connectTimeoutMs: 1_000,
      requestTimeoutMs: 1_000,
      idleTimeoutMs: 5_000,
    });
    await expect(mute.size('x')).rejects.toMatchObject({ code: 'TIMEOUT' });
    await mute.close();
  }, 60_000);
});
