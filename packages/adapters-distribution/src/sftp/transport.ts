import { createHash } from 'node:crypto';
import { connect as connectSocket } from 'node:net';
import type { Readable } from 'node:stream';
import { FramewiseError, messageOf } from '@framewise/core/errors';
import type { Client, ConnectConfig, SFTPWrapper } from 'ssh2';
import { checkRelativePath } from '../drop/naming.js';
import type { DropTransport } from '../drop/transport.js';
import { loadSsh2 } from '../peers.js';

/** How to reach and trust an SFTP server. */
export interface SftpConnection {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKey?: string | undefined;
  readonly passphrase?: string | undefined;
  readonly password?: string | undefined;
  /** The server's host key fingerprint, `SHA256:…` as `ssh-keygen -lf` prints it: anything else is refused. */
  readonly hostKeySha256: string;
  /** Absolute remote directory the drop folder lives in. */
  readonly root: string;
  readonly readyTimeoutMs: number;
  /** Bytes per SFTP write request, and how many are in flight. */
  readonly chunkBytes: number;
  readonly inFlight: number;
}

const NO_SUCH_FILE = 2;
const CIPHERS = ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes256-ctr'];

/** Map an ssh2 / SFTP error to a typed one. */
function sshError(error: unknown, what: string): FramewiseError {
  if (error instanceof FramewiseError) return error;
  const e = error as { level?: string; code?: unknown; message?: string };
  const message = `${what}: ${messageOf(error)}`;
  if (e.level === 'client-authentication') return new FramewiseError('AUTH', message, { cause: error });
  if (e.level === 'client-socket' || e.level === 'client-timeout' || typeof e.code === 'string')
    return new FramewiseError('TRANSIENT', message, { cause: error, retryAfterMs: 5_000 });
  if (e.code === 3) return new FramewiseError('FORBIDDEN', message, { cause: error });
  return new FramewiseError('TRANSIENT', message, { cause: error, retryAfterMs: 5_000 });
}

/**
 * SFTP (over ssh2) as a drop-folder transport. The host key is pinned by its SHA-256 fingerprint;
 * renames use the OpenSSH `posix-rename` extension (SFTP v3's own rename refuses to replace a
 * file); uploads send `chunkBytes` writes with several in flight instead of one 64 KiB round trip
 * at a time; one connection is opened on first use and again after it drops. `ssh2` is an optional
 * peer, imported on the first connection: without it, that fails `INVALID_CONFIG` naming it.
 */
export function sftpTransport(c: SftpConnection): DropTransport {
  let session: Promise<{ client: Client; sftp: SFTPWrapper; closed: Promise<never> }> | undefined;
  const base = c.root.replace(/\/+$/, '');
  const full = (path: string) => `${base}/${checkRelativePath(path)}`;

  const connect = (): Promise<{ client: Client; sftp: SFTPWrapper; closed: Promise<never> }> => {
    session ??= loadSsh2().then(
      ({ Client }) => open(Client),
      (error: unknown) => {
        session = undefined;
        throw error;
      },
    );
    return session;
  };

  const open = (Ssh2Client: typeof Client) =>
    new Promise<{ client: Client; sftp: SFTPWrapper; closed: Promise<never> }>((resolve, reject) => {
      const client = new Ssh2Client();
      // Settles (rejected) when the connection drops, so requests it will never answer fail.
      let dropped: (error: Error) => void = () => undefined;
      const closed = new Promise<never>((_, rejectClosed) => {
        dropped = rejectClosed;
      });
      closed.catch(() => undefined);
      let settled = false;
      const fail = (error: unknown) => {
        session = undefined;
        if (!settled) {
          settled = true;
          reject(sshError(error, `SFTP connection to ${c.host}:${c.port}`));
        }
      };
      client.on('error', fail);
      client.on('close', () => {
        session = undefined;
        dropped(
          new FramewiseError('TRANSIENT', `SFTP connection to ${c.host}:${c.port} closed`, { retryAfterMs: 5_000 }),
        );
      });
      client.on('ready', () => {
        client.sftp((error, sftp) => {
          if (error) {
            client.end();
            fail(error);
            return;
          }
          settled = true;
          resolve({ client, sftp, closed });
        });
      });
      // Our own socket, with Nagle off: SFTP is request/response, and Nagle plus delayed ACKs
      // otherwise add ~40 ms to every small request.
      const sock = connectSocket({ host: c.host, port: c.port });
      sock.setNoDelay(true);
      sock.once('error', fail);
      const config: ConnectConfig = {
        sock,
        host: c.host,
        port: c.port,
        username: c.username,
        readyTimeout: c.readyTimeoutMs,
        algorithms: { cipher: CIPHERS as never },
        hostVerifier: (key: Buffer) =>
          `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` === c.hostKeySha256,
        ...(c.privateKey === undefined ? {} : { privateKey: c.privateKey }),
        ...(c.passphrase === undefined ? {} : { passphrase: c.passphrase }),
        ...(c.password === undefined ? {} : { password: c.password }),
      };
      client.connect(config);
    });

  const op = async <T>(what: string, run: (sftp: SFTPWrapper) => Promise<T>): Promise<T> => {
    const { sftp, closed } = await connect();
    try {
      return await Promise.race([run(sftp), closed]);
    } catch (error) {
      throw sshError(error, what);
    }
  };
  const call = <T>(fn: (cb: (error: Error | null | undefined, value?: T) => void) => void) =>
    new Promise<T>((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value as T))));

  return {
    name: 'sftp',
    write: (path, body, offset) =>
      op(`SFTP upload of "${path}"`, async (sftp) => {
        const handle = await call<Buffer>((cb) => sftp.open(full(path), offset > 0 ? 'r+' : 'w', cb));
        try {
          await pipelinedWrite(sftp, handle, body, offset, Math.min(c.chunkBytes, maxWriteLength(sftp)), c.inFlight);
        } finally {
          await call<void>((cb) => sftp.close(handle, cb)).catch(() => undefined);
        }
      }),
    size: (path) =>
      op(`SFTP size of "${path}"`, async (sftp) => {
        try {
          return (await call<{ size: number }>((cb) => sftp.stat(full(path), cb))).size;
        } catch (error) {
          if ((error as { code?: unknown }).code === NO_SUCH_FILE) return undefined;
          throw error;
        }
      }),
    rename: (from, to) =>
      op(`SFTP rename of "${from}"`, (sftp) => call<void>((cb) => sftp.ext_openssh_rename(full(from), full(to), cb))),
    mkdirs: (path) =>
      op(`SFTP mkdir "${path}"`, async (sftp) => {
        let dir = base;
        for (const part of checkRelativePath(path).split('/')) {
          dir = `${dir}/${part}`;
          try {
            await call<void>((cb) => sftp.mkdir(dir, cb));
          } catch (error) {
            const stat = await call<{ isDirectory(): boolean }>((cb) => sftp.stat(dir, cb)).catch(() => undefined);
            if (stat?.isDirectory() !== true) throw error;
          }
        }
      }),
    list: (path) =>
      op(`SFTP list of "${path}"`, async (sftp) => {
        try {
          return (await call<{ filename: string }[]>((cb) => sftp.readdir(full(path), cb)))
            .map((e) => e.filename)
            .sort();
        } catch (error) {
          if ((error as { code?: unknown }).code === NO_SUCH_FILE) return [];
          throw error;
        }
      }),
    removeTree: (path) =>
      op(`SFTP removal of "${path}"`, async (sftp) => {
        const remove = async (dir: string): Promise<void> => {
          let entries: { filename: string; attrs: { isDirectory(): boolean } }[];
          try {
            entries = await call((cb) => sftp.readdir(dir, cb as never));
          } catch (error) {
            if ((error as { code?: unknown }).code === NO_SUCH_FILE) return;
            throw error;
          }
          for (const e of entries) {
            const child = `${dir}/${e.filename}`;
            if (e.attrs.isDirectory()) await remove(child);
            else await call<void>((cb) => sftp.unlink(child, cb));
          }
          await call<void>((cb) => sftp.rmdir(dir, cb));
        };
        await remove(full(path));
      }),
    async close() {
      const s = session;
      session = undefined;
      if (s !== undefined) (await s.catch(() => undefined))?.client.end();
    },
  };
}

/**
 * The largest write the session sends as one SFTP request: 255 KiB with OpenSSH (its
 * `limits@openssh.com` answer), about 32 KiB with other servers. ssh2 splits a larger write into
 * requests sent one after another, so writes are cut to this size to keep `inFlight` requests
 * really in flight.
 */
function maxWriteLength(sftp: SFTPWrapper): number {
  const known = (sftp as unknown as { _maxWriteLen?: unknown })._maxWriteLen;
  return typeof known === 'number' && known >= 1024 ? known : Number.POSITIVE_INFINITY;
}

/** Write a stream to an open SFTP handle in `chunkBytes` requests, `inFlight` at a time. */
async function pipelinedWrite(
  sftp: SFTPWrapper,
  handle: Buffer,
  body: Readable,
  offset: number,
  chunkBytes: number,
  inFlight: number,
): Promise<void> {
  let position = offset;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const running = new Set<Promise<void>>();
  let failure: unknown;
  const send = (data: Buffer) => {
    const at = position;
    position += data.length;
    const p = new Promise<void>((resolve, reject) =>
      sftp.write(handle, data, 0, data.length, at, (error) => (error ? reject(error) : resolve())),
    )
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => running.delete(p));
    running.add(p);
  };
  try {
    for await (const chunk of body) {
      if (failure !== undefined) break;
      pending.push(chunk as Buffer);
      pendingBytes += (chunk as Buffer).length;
      while (pendingBytes >= chunkBytes) {
        const all = Buffer.concat(pending);
        send(all.subarray(0, chunkBytes));
        pending = [all.subarray(chunkBytes)];
        pendingBytes = all.length - chunkBytes;
        while (running.size >= inFlight) await Promise.race(running);
      }
    }
  } catch (error) {
    // The source broke off: let the writes already sent land (the server keeps them), then fail.
    await Promise.all(running);
    throw error;
  }
  if (pendingBytes > 0 && failure === undefined) send(Buffer.concat(pending));
  await Promise.all(running);
  if (failure !== undefined) throw failure;
}
