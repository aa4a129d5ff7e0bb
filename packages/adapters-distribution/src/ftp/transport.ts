import { createHash } from 'node:crypto';
import { type Readable, Writable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { FramewiseError, messageOf } from '@framewise/core/errors';
import type { Client, FTPError } from 'basic-ftp';
import { checkRelativePath } from '../drop/naming.js';
import type { DropTransport } from '../drop/transport.js';
import { loadBasicFtp } from '../peers.js';

/**
 * basic-ftp's `FTPError`, once basic-ftp is loaded (it is an optional peer, imported on first use:
 * before that, no error can have come from it).
 */
let FtpErrorClass: typeof FTPError | undefined;
const isFtpError = (error: unknown): error is FTPError => FtpErrorClass !== undefined && error instanceof FtpErrorClass;

/** How to reach an FTP server. */
export interface FtpConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** `explicit`: AUTH TLS on the control connection, TLS on data connections (FTPS, RFC 4217); `none`: plain FTP. */
  readonly tls: 'explicit' | 'none';
  /** CA certificate(s) (PEM) trusted for the server's certificate, e.g. a self-signed one pinned. */
  readonly ca?: string | undefined;
  /** Absolute remote directory of the drop folder. */
  readonly root: string;
  /** Socket inactivity (control and data connections) before an operation fails `TIMEOUT`. */
  readonly timeoutMs: number;
  /** Time to connect, negotiate TLS and log in. */
  readonly connectTimeoutMs: number;
  /** Time a command other than a transfer (SIZE, RNFR/RNTO, MKD, LIST, HASH) has to be answered. */
  readonly requestTimeoutMs: number;
  /** An unused connection is closed after this long. */
  readonly idleTimeoutMs: number;
}

/** Parse a `HASH` answer (draft-bryan-ftpext-hash: `213 SHA-256 0-N <hex> <path>`): the hex digest, or undefined. */
export function parseHashReply(message: string): string | undefined {
  const m = /^213 SHA-256 \S+ ([0-9a-fA-F]{64})(?: |$)/m.exec(message);
  return m?.[1]?.toLowerCase();
}

/** The `type` fact of an `MLST` answer (`file`, `dir`, `OS.unix=slink:…`), or undefined. */
export function mlstType(message: string): string | undefined {
  for (const line of message.split(/\r?\n/)) {
    const facts = line.startsWith(' ') ? line.trim().split(' ')[0] : undefined;
    const type = facts
      ?.split(';')
      .find((f) => f.toLowerCase().startsWith('type='))
      ?.slice(5);
    if (type !== undefined) return type.toLowerCase();
  }
  return undefined;
}

/** Map a basic-ftp or socket error to a typed one. */
function ftpError(error: unknown, what: string): FramewiseError {
  if (error instanceof FramewiseError) return error;
  const message = `${what}: ${messageOf(error)}`;
  if (/^Timeout \((control|data) socket\)/.test(messageOf(error)))
    return new FramewiseError('TIMEOUT', message, { cause: error });
  if (isFtpError(error)) {
    if (error.code === 530 || error.code === 331 || error.code === 332)
      return new FramewiseError('AUTH', message, { cause: error });
    if (error.code >= 400 && error.code < 500)
      return new FramewiseError('TRANSIENT', message, { cause: error, retryAfterMs: 5_000 });
    if (error.code === 553 || error.code === 550) return new FramewiseError('FORBIDDEN', message, { cause: error });
    return new FramewiseError('INVALID_INPUT', message, { cause: error });
  }
  return new FramewiseError('TRANSIENT', message, { cause: error, retryAfterMs: 5_000 });
}

/**
 * FTP or FTPS (explicit TLS) as a drop-folder transport, over basic-ftp. One control connection,
 * opened on first use and again after it drops; operations are serialised on it (FTP does one
 * thing at a time per connection). Resume uses `APPE` from the size on the server; a rename
 * replaces the target by deleting it first (FTP has no atomic replace — the temporary name keeps
 * a partial file from ever being visible under the final one). FTP has no exclusive create: a new
 * temporary file is written after `DELE` of whatever is at its name (a planted link goes, its
 * target is untouched), and a resume checks with `MLST` that the name is a regular file. The
 * receiver's checksum is `HASH` (SHA-256) where the server advertises it in `FEAT` (pure-ftpd does
 * not, nor `XCRC`/`XSHA256`), else the bytes read back. Timeouts: `connectTimeoutMs` to log in,
 * `requestTimeoutMs` per command, `timeoutMs` of socket inactivity during transfers, an idle
 * connection closed after `idleTimeoutMs`, TCP keepalives on the control connection: a hung
 * server fails with `TIMEOUT` and the connection is dropped. basic-ftp is an optional peer,
 * imported on the first operation: without it, that fails `INVALID_CONFIG` naming it.
 */
export function ftpTransport(c: FtpConnection): DropTransport {
  let client: Client | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const base = c.root.replace(/\/+$/, '');
  const full = (path: string) => `${base}/${checkRelativePath(path)}`;

  let features: Map<string, string> = new Map();
  let idleTimer: NodeJS.Timeout | undefined;
  const timed = <T>(run: Promise<T>, ms: number, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      run,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          client?.close();
          client = undefined;
          reject(new FramewiseError('TIMEOUT', `${what}: no answer within ${ms} ms`, { details: { timeoutMs: ms } }));
        }, ms);
      }),
    ]).finally(() => clearTimeout(timer));
  };

  const connected = async (): Promise<Client> => {
    if (client !== undefined && !client.closed) return client;
    const ftp = await loadBasicFtp();
    FtpErrorClass = ftp.FTPError;
    const next = new ftp.Client(c.timeoutMs);
    const secureOptions: ConnectionOptions = { ...(c.ca === undefined ? {} : { ca: c.ca }), minVersion: 'TLSv1.2' };
    try {
      await timed(
        (async () => {
          await next.access({
            host: c.host,
            port: c.port,
            user: c.user,
            password: c.password,
            secure: c.tls === 'explicit',
            ...(c.tls === 'explicit' ? { secureOptions } : {}),
          });
          features = await next.features().catch(() => new Map<string, string>());
        })(),
        c.connectTimeoutMs,
        `FTP connection to ${c.host}:${c.port}`,
      );
      next.ftp.socket.setKeepAlive(true, Math.max(1_000, Math.floor(c.idleTimeoutMs / 2)));
    } catch (error) {
      next.close();
      throw error;
    }
    client = next;
    return next;
  };

  /**
   * Run one operation on the connection, after the ones before it: a transfer bounded by socket
   * inactivity (`timeoutMs`), any other command by `requestTimeoutMs`.
   */
  const op = <T>(what: string, run: (ftp: Client) => Promise<T>, transfer = false): Promise<T> => {
    const result = queue.then(async () => {
      clearTimeout(idleTimer);
      try {
        const ftp = await connected();
        return await (transfer ? run(ftp) : timed(run(ftp), c.requestTimeoutMs, `${what} on ${c.host}:${c.port}`));
      } catch (error) {
        // Anything but a file-level refusal may have left the connection unusable (a 421 from a
        // server going down, a socket error): the next operation opens a new one.
        if (!(isFtpError(error) && (error.code === 550 || error.code === 553))) {
          client?.close();
          client = undefined;
        }
        throw ftpError(error, what);
      } finally {
        idleTimer = setTimeout(() => {
          client?.close();
          client = undefined;
        }, c.idleTimeoutMs);
        idleTimer.unref?.();
      }
    });
    queue = result.catch(() => undefined);
    return result;
  };
  /** The type `MLST` gives for `path` (`file`, `dir`, a link), undefined when missing or without MLST. */
  const typeOf = async (ftp: Client, path: string): Promise<string | undefined> => {
    if (!features.has('MLST')) return 'file';
    try {
      return mlstType((await ftp.send(`MLST ${path}`)).message);
    } catch (error) {
      if (missing(error)) return undefined;
      throw error;
    }
  };
  const missing = (error: unknown) => isFtpError(error) && error.code === 550;

  return {
    name: 'ftp',
    write: (path, body: Readable, offset) =>
      op(
        `FTP upload of "${path}"`,
        async (ftp) => {
          if (offset > 0) {
            if ((await typeOf(ftp, full(path))) !== 'file')
              throw new FramewiseError('CONFLICT', `"${path}" is not a regular file to resume`, { details: { path } });
            await ftp.appendFrom(body, full(path));
          } else {
            // No exclusive create in FTP: whatever is at the name (a planted link) goes first.
            try {
              await ftp.remove(full(path));
            } catch (error) {
              if (!missing(error)) throw error;
            }
            await ftp.uploadFrom(body, full(path));
          }
        },
        true,
      ),
    size: (path) =>
      op(`FTP size of "${path}"`, async (ftp) => {
        try {
          if ((await typeOf(ftp, full(path))) !== 'file') return undefined;
          return await ftp.size(full(path));
        } catch (error) {
          if (missing(error)) return undefined;
          throw error;
        }
      }),
    remove: (path) =>
      op(`FTP removal of "${path}"`, async (ftp) => {
        try {
          await ftp.remove(full(path));
        } catch (error) {
          if (!missing(error)) throw error;
        }
      }),
    digest: (path, source) =>
      source === 'server'
        ? op(`FTP HASH of "${path}"`, async (ftp) => {
            if (!(features.get('HASH') ?? '').toUpperCase().includes('SHA-256')) return undefined;
            await ftp.send('OPTS HASH SHA-256');
            return parseHashReply((await ftp.send(`HASH ${full(path)}`)).message);
          })
        : op(
            `FTP read-back of "${path}"`,
            async (ftp) => {
              const hash = createHash('sha256');
              const sink = new Writable({
                write(chunk: Buffer, _encoding, done) {
                  hash.update(chunk);
                  done();
                },
              });
              await ftp.downloadTo(sink, full(path));
              return hash.digest('hex');
            },
            true,
          ),
    rename: (from, to) =>
      op(`FTP rename of "${from}"`, async (ftp) => {
        try {
          await ftp.remove(full(to));
        } catch (error) {
          if (!missing(error)) throw error;
        }
        await ftp.rename(full(from), full(to));
      }),
    mkdirs: (path) =>
      op(`FTP mkdir "${path}"`, async (ftp) => {
        await ftp.ensureDir(full(path));
        await ftp.cd('/');
      }),
    list: (path) =>
      op(`FTP list of "${path}"`, async (ftp) => {
        try {
          return (await ftp.list(full(path)))
            .map((f) => f.name)
            .filter((n) => n !== '.' && n !== '..')
            .sort();
        } catch (error) {
          if (missing(error)) return [];
          throw error;
        }
      }),
    removeTree: (path) =>
      op(`FTP removal of "${path}"`, async (ftp) => {
        try {
          await ftp.removeDir(full(path));
        } catch (error) {
          if (!missing(error)) throw error;
        } finally {
          await ftp.cd('/').catch(() => undefined);
        }
      }),
    async close() {
      clearTimeout(idleTimer);
      client?.close();
      client = undefined;
    },
  };
}
