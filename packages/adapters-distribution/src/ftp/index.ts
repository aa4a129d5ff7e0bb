/**
 * An FTP or FTPS (explicit TLS) drop folder, over basic-ftp: the drop-folder layout (media, JSON
 * sidecar, completion marker; temporary names; resume with `APPE` from the size on the server; one
 * folder per revision).
 *
 * @module
 */
import { parseOptions } from '@framewise/core/adapter-kit';
import type { DistributionAdapter } from '@framewise/core/delivery';
import { z } from 'zod';
import { createDropFolderAdapter, DropFolderOptionsSchema } from '../drop/adapter.js';
import { ftpTransport } from './transport.js';

export { type FtpConnection, ftpTransport } from './transport.js';

/** Options of {@link createFtpEndpoint}. */
export const FtpEndpointOptionsSchema = DropFolderOptionsSchema.extend({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65_535).default(21),
  user: z.string().min(1).max(200),
  password: z.string().max(500),
  /** `explicit` (default): FTPS with AUTH TLS, certificates verified; `none`: plain FTP, credentials in clear. */
  tls: z.enum(['explicit', 'none']).default('explicit'),
  /** CA certificate(s) to trust (PEM), e.g. the server's own self-signed certificate. */
  ca: z.string().optional(),
  /** Remote directory of the drop folder (default: the login directory). */
  root: z
    .string()
    .refine((p) => p.startsWith('/') && !p.includes('\0'), 'must be an absolute path')
    .default('/'),
  /** Socket inactivity (control and data) before an operation fails `TIMEOUT` (30 s). */
  timeoutMs: z.number().int().positive().default(30_000),
  /** Time to connect, negotiate TLS and log in (20 s). */
  connectTimeoutMs: z.number().int().positive().default(20_000),
  /** Time a command other than a transfer has to be answered (30 s). */
  requestTimeoutMs: z.number().int().positive().default(30_000),
  /** An unused connection is closed after this long (60 s). */
  idleTimeoutMs: z.number().int().positive().default(60_000),
});
/** Options of {@link createFtpEndpoint}. */
export type FtpEndpointOptions = z.input<typeof FtpEndpointOptionsSchema>;

/**
 * A drop folder on an FTP/FTPS server. No connection is made until the first delivery.
 *
 * @example
 * ```ts
 * const adapter = createFtpEndpoint({ host: 'ftp.partner.example', user: 'framewise', password, ca: partnerCert });
 * ```
 */
export function createFtpEndpoint(options: FtpEndpointOptions): DistributionAdapter {
  const o = parseOptions(FtpEndpointOptionsSchema, options, 'FTP endpoint options');
  const { packagePath, fileName, sidecar, marker, keepRevisions, verify, logger, ...connection } = o;
  return createDropFolderAdapter(ftpTransport(connection), {
    packagePath,
    fileName,
    sidecar,
    marker,
    keepRevisions,
    verify,
    ...(logger === undefined ? {} : { logger }),
  });
}
