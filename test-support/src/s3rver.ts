import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer, stopProcess, waitFor } from './process.js';

/** A running s3rver (an S3-compatible server in Node) for tests. */
export interface S3rverServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly bucket: string;
  /** Its data directory (kept across {@link S3rverServer.restart}). */
  readonly directory: string;
  /** Kill it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Start it again on the same port and directory. */
  restart(): Promise<void>;
  /** Stop it and remove its directory. */
  stop(): Promise<void>;
}

/**
 * Start s3rver on a loopback port with one bucket. `bin` is s3rver's `bin/s3rver.js` (a dev
 * dependency of the package under test). It runs with `--openssl-legacy-provider`: without it every
 * truncated ListObjectsV2 page fails (see shared/COMPONENTS.md). Its store is a new directory in
 * `parent` (default: the system's temp directory).
 */
export async function startS3rver(
  bin: string,
  bucket = 'framewise-test',
  port?: number,
  parent = tmpdir(),
): Promise<S3rverServer> {
  const directory = mkdtempSync(join(parent, 'framewise-s3rver-'));
  let server: ReturnType<typeof spawnServer>;
  let actualPort = port ?? 0;
  const start = async () => {
    server = spawnServer(
      process.execPath,
      [
        '--openssl-legacy-provider',
        bin,
        '-d',
        directory,
        '-a',
        '127.0.0.1',
        '-p',
        String(actualPort),
        '--configure-bucket',
        bucket,
      ],
      's3rver',
    );
    await waitFor('s3rver listening', () => {
      if (server.child.exitCode !== null) throw new Error(`s3rver exited: ${server.output()}`);
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(server.output());
      if (m === null) return false;
      actualPort = Number(m[1]);
      return true;
    });
  };
  await start();
  return {
    get port() {
      return actualPort;
    },
    get endpoint() {
      return `http://127.0.0.1:${actualPort}`;
    },
    bucket,
    directory,
    kill: () => stopProcess(server.child, 'SIGKILL'),
    restart: start,
    async stop() {
      await stopProcess(server.child, 'SIGTERM', 5_000);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
