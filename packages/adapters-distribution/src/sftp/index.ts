/**
 * An SFTP drop folder (OpenSSH and compatible servers, over ssh2): the drop-folder layout
 * (media, JSON sidecar, completion marker; temporary names renamed with `posix-rename`; resume
 * from the size on the server; one folder per revision) with the server's host key pinned.
 *
 * @module
 */
import { parseOptions } from '@framewise/core/adapter-kit';
import type { DistributionAdapter } from '@framewise/core/delivery';
import { z } from 'zod';
import { createDropFolderAdapter, DropFolderOptionsSchema } from '../drop/adapter.js';
import { sftpTransport } from './transport.js';

export { type SftpConnection, sftpTransport } from './transport.js';

/** Options of {@link createSftpEndpoint}: the server, the credentials, the pinned host key, the layout. */
export const SftpEndpointOptionsSchema = DropFolderOptionsSchema.extend({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65_535).default(22),
  username: z.string().min(1).max(100),
  /** Private key (OpenSSH or PEM). Give this or `password`. */
  privateKey: z.string().min(1).optional(),
  passphrase: z.string().optional(),
  password: z.string().optional(),
  /** The server's host key fingerprint, `SHA256:…` (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`). */
  hostKeySha256: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be an OpenSSH SHA256 fingerprint (SHA256: and 43 base64 characters)'),
  /** Absolute remote directory of the drop folder. */
  root: z.string().refine((p) => p.startsWith('/') && !p.includes('\0'), 'must be an absolute path'),
  /** Time to connect, finish the SSH handshake and authenticate (20 s). */
  readyTimeoutMs: z.number().int().positive().default(20_000),
  /** Time each SFTP request (one chunk written or read, a stat, a rename) has to be answered (30 s). */
  requestTimeoutMs: z.number().int().positive().default(30_000),
  /** SSH keepalive interval (15 s; 0: none); the connection is dropped after 3 unanswered. */
  keepaliveIntervalMs: z.number().int().min(0).default(15_000),
  /** An unused connection is closed after this long (60 s). */
  idleTimeoutMs: z.number().int().positive().default(60_000),
  /**
   * Bytes per write request (default 248 KiB; capped at the server's largest write, 255 KiB for
   * OpenSSH) and requests in flight (default 8: about the 2 MiB channel window OpenSSH grants).
   */
  chunkBytes: z
    .number()
    .int()
    .min(16 * 1024)
    .max(4 * 1024 * 1024)
    .default(248 * 1024),
  inFlight: z.number().int().min(1).max(64).default(8),
}).refine((o) => o.privateKey !== undefined || o.password !== undefined, {
  message: 'give privateKey or password',
  path: ['privateKey'],
});
/** Options of {@link createSftpEndpoint}. */
export type SftpEndpointOptions = z.input<typeof SftpEndpointOptionsSchema>;

/**
 * A drop folder on an SFTP server. No connection is made until the first delivery.
 *
 * @example
 * ```ts
 * const adapter = createSftpEndpoint({
 *   host: 'ingest.partner.example', username: 'framewise', privateKey,
 *   hostKeySha256: 'SHA256:V4tVxvDE4lCqqmHCjqp0EPfDqfIzrJ3kJlKfkRbeCAc',
 *   root: '/incoming', packagePath: '{field:houseNumber}/v{revision}',
 * });
 * ```
 */
export function createSftpEndpoint(options: SftpEndpointOptions): DistributionAdapter {
  const o = parseOptions(SftpEndpointOptionsSchema, options, 'SFTP endpoint options');
  const { packagePath, fileName, sidecar, marker, keepRevisions, verify, logger, ...connection } = o;
  return createDropFolderAdapter(sftpTransport(connection), {
    packagePath,
    fileName,
    sidecar,
    marker,
    keepRevisions,
    verify,
    ...(logger === undefined ? {} : { logger }),
  });
}
