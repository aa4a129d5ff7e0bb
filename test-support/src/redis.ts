import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, freePort, spawnServer, stopProcess, waitFor } from './process.js';

/** A running redis-server for tests. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  /** Stop the server (SIGTERM by PID) and remove its directory. */
  stop(): Promise<void>;
}

/** Answer true once the server replies +PONG on the port. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Start redis-server on a free loopback port, with no persistence, in a temp dir. */
export async function startRedis(): Promise<RedisServer> {
  const bin = findExecutable(['/usr/bin/redis-server', 'redis-server'], 'redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'framewise-redis-'));
  const port = await freePort();
  const server = spawnServer(
    bin,
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
    'redis-server',
  );
  await waitFor(`redis-server on port ${port}`, async () => {
    if (server.child.exitCode !== null) throw new Error(`redis-server exited: ${server.output()}`);
    return pong(port);
  });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await stopProcess(server.child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
