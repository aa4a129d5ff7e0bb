import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { FramewiseError } from '@framewise/core/errors';
import type { SFTPWrapper } from 'ssh2';

/**
 * Settle with `promise`, or fail `TIMEOUT` (naming `what`) when it takes longer than `ms`, after
 * calling `onTimeout` (which tears the connection down, so nothing keeps waiting on it).
 */
export function timed<T>(promise: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new FramewiseError('TIMEOUT', `${what}: no answer within ${ms} ms`, { details: { timeoutMs: ms } }));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Run one SFTP request: its answer within the request timeout, or `TIMEOUT`. */
export type Request = <T>(
  sftp: SFTPWrapper,
  what: string,
  fn: (cb: (error: Error | null | undefined, value?: T) => void) => void,
) => Promise<T>;

/**
 * The largest write the session sends as one SFTP request: 255 KiB with OpenSSH (its
 * `limits@openssh.com` answer), about 32 KiB with other servers. ssh2 splits a larger write into
 * requests sent one after another, so writes are cut to this size to keep `inFlight` requests
 * really in flight.
 */
export function maxWriteLength(sftp: SFTPWrapper): number {
  const known = (sftp as unknown as { _maxWriteLen?: unknown })._maxWriteLen;
  return typeof known === 'number' && known >= 1024 ? known : Number.POSITIVE_INFINITY;
}

/** The largest read the session asks for in one request (as {@link maxWriteLength}). */
export function maxReadLength(sftp: SFTPWrapper): number {
  const known = (sftp as unknown as { _maxReadLen?: unknown })._maxReadLen;
  return typeof known === 'number' && known >= 1024 ? known : 32 * 1024;
}

/** Write a stream to an open SFTP handle in `chunkBytes` requests, `inFlight` at a time. */
export async function pipelinedWrite(
  sftp: SFTPWrapper,
  request: Request,
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
    const p = request<void>(sftp, `SFTP write at ${at}`, (cb) => sftp.write(handle, data, 0, data.length, at, cb))
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

/**
 * SHA-256 of `size` bytes read back from an open SFTP handle, `chunkBytes` per request and
 * `inFlight` requests at a time, hashed in order (memory: `inFlight` chunks).
 */
export async function pipelinedDigest(
  sftp: SFTPWrapper,
  request: Request,
  handle: Buffer,
  size: number,
  chunkBytes: number,
  inFlight: number,
): Promise<string> {
  const hash = createHash('sha256');
  const read = (at: number, length: number) =>
    request<Buffer>(sftp, `SFTP read at ${at}`, (cb) =>
      sftp.read(handle, Buffer.alloc(length), 0, length, at, (error, bytesRead, buffer) =>
        cb(error, buffer.subarray(0, bytesRead)),
      ),
    );
  const queue: { readonly data: Promise<Buffer>; readonly length: number }[] = [];
  let next = 0;
  const fill = () => {
    while (queue.length < inFlight && next < size) {
      const length = Math.min(chunkBytes, size - next);
      const data = read(next, length);
      data.catch(() => undefined); // awaited in order below
      queue.push({ data, length });
      next += length;
    }
  };
  let at = 0;
  fill();
  while (at < size) {
    const head = queue.shift();
    if (head === undefined) break;
    const chunk = await head.data;
    if (chunk.length === 0) throw new FramewiseError('TRANSIENT', `SFTP read back ended at ${at} of ${size} bytes`);
    hash.update(chunk);
    at += chunk.length;
    if (chunk.length < head.length) {
      // A short read (SFTP allows them): what was asked after it is asked again from here, in order.
      await Promise.allSettled(queue.map((q) => q.data));
      queue.length = 0;
      next = at;
    }
    fill();
  }
  if (at !== size) throw new FramewiseError('TRANSIENT', `SFTP read back ${at} bytes, the file has ${size}`);
  return hash.digest('hex');
}
