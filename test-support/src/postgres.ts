import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, freePort, spawnServer, waitFor } from './process.js';

/** A running PostgreSQL server for tests. */
export interface PostgresServer {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  readonly connectionString: string;
  /** Create a fresh database and return its connection string. */
  createDatabase(name: string): string;
  /** Stop the server (SIGINT to the postmaster) and remove its directory. */
  stop(): Promise<void>;
}

function postgresBin(): string {
  const env = process.env.FRAMEWISE_PG_BIN;
  if (env) return env;
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  } catch {
    // none installed
  }
  const postgres = findExecutable([...versions.map((v) => join(root, v, 'bin', 'postgres')), 'postgres'], 'postgresql');
  return join(postgres, '..');
}

/**
 * Start PostgreSQL on a free loopback port in a temp dir: initdb (as the `postgres` user when run
 * as root, since initdb refuses root), then the server in the foreground, ready when pg_isready
 * says so.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'framewise-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const as = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const [initCmd, initArgs] = as(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const [cmd, args] = as(join(bin, 'postgres'), [
    '-D',
    data,
    '-c',
    'listen_addresses=127.0.0.1',
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ]);
  const server = spawnServer(cmd, args, 'postgres');
  const ready = () => {
    try {
      execFileSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']);
      return true;
    } catch {
      if (server.child.exitCode !== null) throw new Error(`postgres exited: ${server.output()}`);
      return false;
    }
  };
  await waitFor(`postgres on port ${port}`, ready);
  const psql = (sql: string) =>
    execFileSync(join(bin, 'psql'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-qAtc',
      sql,
    ]);
  return {
    port,
    connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
    createDatabase(name: string): string {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
      psql(`CREATE DATABASE ${name}`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop(): Promise<void> {
      // Smart shutdown first (SIGTERM: sessions that are closing finish cleanly), then fast
      // (SIGINT), then SIGKILL, each to the postmaster by the PID it recorded (the child may be runuser).
      let pid = 0;
      try {
        pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      } catch {
        // already gone
      }
      const exited = new Promise<void>((resolve) => {
        if (server.child.exitCode !== null || server.child.signalCode !== null) resolve();
        else server.child.once('exit', () => resolve());
      });
      const signal = (sig: NodeJS.Signals) => {
        try {
          if (pid > 0) process.kill(pid, sig);
        } catch {
          // exited meanwhile
        }
      };
      signal('SIGTERM');
      const fast = setTimeout(() => signal('SIGINT'), 3_000);
      const kill = setTimeout(() => signal('SIGKILL'), 10_000);
      await exited;
      clearTimeout(fast);
      clearTimeout(kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
