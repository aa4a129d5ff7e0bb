import { createHash } from 'node:crypto';
import { connect as connectSocket } from 'node:net';
import { FramewiseError, messageOf } from '@framewise/core/errors';
import type { Client, ConnectConfig, SFTPWrapper } from 'ssh2';
import { checkRelativePath } from '../drop/naming.js';
import type { DropTransport } from '../drop/transport.js';
import { loadSsh2 } from '../peers.js';
import { maxReadLength, maxWriteLength, pipelinedDigest, pipelinedWrite, type Request, timed } from './io.js';

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
  /** Time to open the TCP connection and finish the SSH handshake and authentication. */
  readonly readyTimeoutMs: number;
  /** Time each SFTP request (a write of one chunk, a stat, a rename) has to be answered. */
  readonly requestTimeoutMs: number;
  /** SSH keepalive every this many ms; the connection is dropped after 3 unanswered. 0: none. */
  readonly keepaliveIntervalMs: number;
  /** An unused connection is closed after this long. */
  readonly idleTimeoutMs: number;
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
  if (e.level === 'client-timeout' || /keepalive timeout|timed out/i.test(messageOf(error)))
    return new FramewiseError('TIMEOUT', message, { cause: error });
  if (e.level === 'client-socket' || typeof e.code === 'string')
    return new FramewiseError('TRANSIENT', message, { cause: error, retryAfterMs: 5_000 });
  if (e.code === 3) return new FramewiseError('FORBIDDEN', message, { cause: error });
  return new FramewiseError('TRANSIENT', message, { cause: error, retryAfterMs: 5_000 });
}

/**
 * SFTP (over ssh2) as a drop-folder transport. The host key is pinned by its SHA-256 fingerprint;
 * renames use the OpenSSH `posix-rename` extension (SFTP v3's own rename refuses to replace a
 * file); uploads send `chunkBytes` writes with several in flight instead of one 64 KiB round trip
 * at a time; one connection is opened on first use and again after it drops. New files are opened
 * with `SSH_FXF_EXCL` (a link planted at the name fails the open, it is never written through); a
 * resumed file must be a regular file (`lstat`). Every request has `requestTimeoutMs` to be
 * answered, the connection `readyTimeoutMs` to be ready, SSH keepalives find a dead peer, and an
 * idle connection is closed: a hung server fails the operation with `TIMEOUT` (retryable) and the
 * connection is torn down. OpenSSH offers no `check-file` extension: the receiver's digest is the
 * bytes read back (`digest(path, 'read-back')`). `ssh2` is an optional peer, imported on the first
 * connection: without it, that fails `INVALID_CONFIG` naming it.
 */
export function sftpTransport(c: SftpConnection): DropTransport {
  let session: Promise<{ client: Client; sftp: SFTPWrapper; closed: Promise<never> }> | undefined;
  const base = c.root.replace(/\/+$/, '');
  const full = (path: string) => `${base}/${checkRelativePath(path)}`;

  let idleTimer: NodeJS.Timeout | undefined;
  let busy = 0;
  /** The timeout that made this process drop the connection (reported instead of "closed"). */
  let timedOut: FramewiseError | undefined;
  /** Tear the connection down (a request timed out, or it sat idle): the next operation opens a new one. */
  const drop = () => {
    const s = session;
    session = undefined;
    if (s !== undefined) void s.then((x) => x.client.destroy()).catch(() => undefined);
  };
  const connect = (): Promise<{ client: Client; sftp: SFTPWrapper; closed: Promise<never> }> => {
    session ??= timed(
      loadSsh2().then(({ Client }) => open(Client)),
      c.readyTimeoutMs + 1_000,
      `SFTP connection to ${c.host}:${c.port}`,
      () => undefined,
    ).catch((error: unknown) => {
      session = undefined;
      throw error;
    });
    return session;
  };

  const open = (Ssh2Client: typeof Client) =>
    new Promise<{ client: Client; sftp: SFTPWrapper; closed: Promise<never> }>((resolve, reject) => {
      const client = new Ssh2Client();
      let opened: SFTPWrapper | undefined;
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
        if (opened !== undefined) dead.add(opened);
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
          opened = sftp;
          resolve({ client, sftp, closed });
        });
      });
      // Our own socket, with Nagle off: SFTP is request/response, and Nagle plus delayed ACKs
      // otherwise add ~40 ms to every small request.
      const sock = connectSocket({ host: c.host, port: c.port });
      sock.setNoDelay(true);
      const connectTimer = setTimeout(() => {
        sock.destroy();
        fail(
          new FramewiseError(
            'TIMEOUT',
            `SFTP connection to ${c.host}:${c.port}: not ready within ${c.readyTimeoutMs} ms`,
          ),
        );
      }, c.readyTimeoutMs);
      client.once('ready', () => clearTimeout(connectTimer));
      client.once('close', () => clearTimeout(connectTimer));
      sock.once('error', fail);
      const config: ConnectConfig = {
        sock,
        host: c.host,
        port: c.port,
        username: c.username,
        readyTimeout: c.readyTimeoutMs,
        keepaliveInterval: c.keepaliveIntervalMs,
        keepaliveCountMax: 3,
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
    busy++;
    clearTimeout(idleTimer);
    try {
      const { sftp, closed } = await connect();
      return await Promise.race([run(sftp), closed]);
    } catch (error) {
      const cause = timedOut ?? error;
      timedOut = undefined;
      throw sshError(cause, what);
    } finally {
      busy--;
      if (busy === 0 && session !== undefined) {
        idleTimer = setTimeout(drop, c.idleTimeoutMs);
        idleTimer.unref?.();
      }
    }
  };
  /** One SFTP request, answered within `requestTimeoutMs` (else the connection is dropped: `TIMEOUT`). */
  /** Connections dropped: a late request on one fails at once, a late timeout leaves the new one alone. */
  const dead = new WeakSet<SFTPWrapper>();
  const request: Request = <T>(
    sftp: SFTPWrapper,
    what: string,
    fn: (cb: (error: Error | null | undefined, value?: T) => void) => void,
  ) => {
    if (dead.has(sftp))
      return Promise.reject(
        new FramewiseError('TRANSIENT', `${what}: the connection to ${c.host}:${c.port} was dropped`),
      );
    return timed(
      new Promise<T>((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value as T)))),
      c.requestTimeoutMs,
      `${what} on ${c.host}:${c.port}`,
      () => {
        if (dead.has(sftp)) return;
        dead.add(sftp);
        timedOut ??= new FramewiseError(
          'TIMEOUT',
          `${what} on ${c.host}:${c.port}: no answer within ${c.requestTimeoutMs} ms`,
          { details: { timeoutMs: c.requestTimeoutMs } },
        );
        drop();
      },
    );
  };
  const call = <T>(sftp: SFTPWrapper, fn: (cb: (error: Error | null | undefined, value?: T) => void) => void) =>
    request<T>(sftp, 'SFTP request', fn);
  const isFile = async (sftp: SFTPWrapper, path: string): Promise<number | undefined> => {
    try {
      const s = await call<{ size: number; isFile(): boolean }>(sftp, (cb) => sftp.lstat(path, cb));
      return s.isFile() ? s.size : undefined;
    } catch (error) {
      if ((error as { code?: unknown }).code === NO_SUCH_FILE) return undefined;
      throw error;
    }
  };

  return {
    name: 'sftp',
    write: (path, body, offset) =>
      op(`SFTP upload of "${path}"`, async (sftp) => {
        // A resumed file must be a regular file (never a link to follow); a new one is created
        // exclusively (O_EXCL at the server: a link at the name fails the open).
        if (offset > 0 && (await isFile(sftp, full(path))) === undefined)
          throw new FramewiseError('CONFLICT', `"${path}" is not a regular file to resume`, { details: { path } });
        const handle = await call<Buffer>(sftp, (cb) => sftp.open(full(path), offset > 0 ? 'r+' : 'wx', cb)).catch(
          (error: unknown) => {
            if (offset === 0 && (error as { code?: unknown }).code === 4)
              throw new FramewiseError('CONFLICT', `"${path}" is taken by something else: it is not written through`, {
                details: { path },
                cause: error,
              });
            throw error;
          },
        );
        try {
          await pipelinedWrite(
            sftp,
            request,
            handle,
            body,
            offset,
            Math.min(c.chunkBytes, maxWriteLength(sftp)),
            c.inFlight,
          );
        } finally {
          await call<void>(sftp, (cb) => sftp.close(handle, cb)).catch(() => undefined);
        }
      }),
    size: (path) => op(`SFTP size of "${path}"`, (sftp) => isFile(sftp, full(path))),
    remove: (path) =>
      op(`SFTP removal of "${path}"`, async (sftp) => {
        try {
          await call<void>(sftp, (cb) => sftp.unlink(full(path), cb));
        } catch (error) {
          if ((error as { code?: unknown }).code !== NO_SUCH_FILE) throw error;
        }
      }),
    digest: (path, source) =>
      source === 'server'
        ? Promise.resolve(undefined)
        : op(`SFTP read-back of "${path}"`, async (sftp) => {
            const size = await isFile(sftp, full(path));
            if (size === undefined)
              throw new FramewiseError('NOT_FOUND', `"${path}" is not a regular file to read back`, {
                details: { path },
              });
            const handle = await call<Buffer>(sftp, (cb) => sftp.open(full(path), 'r', cb));
            try {
              return await pipelinedDigest(
                sftp,
                request,
                handle,
                size,
                Math.min(c.chunkBytes, maxReadLength(sftp)),
                c.inFlight,
              );
            } finally {
              await call<void>(sftp, (cb) => sftp.close(handle, cb)).catch(() => undefined);
            }
          }),
    rename: (from, to) =>
      op(`SFTP rename of "${from}"`, (sftp) =>
        call<void>(sftp, (cb) => sftp.ext_openssh_rename(full(from), full(to), cb)),
      ),
    mkdirs: (path) =>
      op(`SFTP mkdir "${path}"`, async (sftp) => {
        let dir = base;
        for (const part of checkRelativePath(path).split('/')) {
          dir = `${dir}/${part}`;
          try {
            await call<void>(sftp, (cb) => sftp.mkdir(dir, cb));
          } catch (error) {
            // lstat: a symbolic link planted at a directory's name is never gone through (it
            // could lead out of the drop folder).
            const stat = await call<{ isDirectory(): boolean; isSymbolicLink(): boolean }>(sftp, (cb) =>
              sftp.lstat(dir, cb),
            ).catch(() => undefined);
            if (stat?.isSymbolicLink() === true)
              throw new FramewiseError(
                'FORBIDDEN',
                `"${path}" leads through a symbolic link: it is not written through`,
                {
                  details: { path },
                },
              );
            if (stat?.isDirectory() !== true) throw error;
          }
        }
      }),
    list: (path) =>
      op(`SFTP list of "${path}"`, async (sftp) => {
        try {
          return (await call<{ filename: string }[]>(sftp, (cb) => sftp.readdir(full(path), cb)))
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
            entries = await call(sftp, (cb) => sftp.readdir(dir, cb as never));
          } catch (error) {
            if ((error as { code?: unknown }).code === NO_SUCH_FILE) return;
            throw error;
          }
          for (const e of entries) {
            const child = `${dir}/${e.filename}`;
            if (e.attrs.isDirectory()) await remove(child);
            else await call<void>(sftp, (cb) => sftp.unlink(child, cb));
          }
          await call<void>(sftp, (cb) => sftp.rmdir(dir, cb));
        };
        // A link at the folder's name is removed itself, never what it points to.
        const top = await call<{ isSymbolicLink(): boolean }>(sftp, (cb) => sftp.lstat(full(path), cb)).catch(
          (error: unknown) => {
            if ((error as { code?: unknown }).code === NO_SUCH_FILE) return undefined;
            throw error;
          },
        );
        if (top === undefined) return;
        if (top.isSymbolicLink()) await call<void>(sftp, (cb) => sftp.unlink(full(path), cb));
        else await remove(full(path));
      }),
    async close() {
      clearTimeout(idleTimer);
      const s = session;
      session = undefined;
      if (s !== undefined) (await s.catch(() => undefined))?.client.end();
    },
  };
}
