import { type ChildProcess, execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, freePort, greets, signalTree, spawnServer, stopGroup, waitFor } from './process.js';

/** A running pure-ftpd on loopback with one virtual user and explicit TLS available. */
export interface PureFtpdServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The server's self-signed certificate (PEM), to pin in the client. */
  readonly certificate: string;
  /** The user's home: what the server writes (files belong to `nobody`). */
  readonly home: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
  /** Hang: the server and its sessions stop answering (SIGSTOP to its process group), connections stay open. */
  freeze(): void;
  /** Answer again after {@link freeze} (SIGCONT). */
  thaw(): void;
}

/**
 * Start pure-ftpd in the foreground on a free loopback port (../shared/COMPONENTS.md): a virtual
 * user whose password hash is replaced with a fast SHA-512 crypt (pure-pw's default makes every
 * login take seconds), passive ports on loopback, TLS optional (`-Y 1`) with a throwaway
 * certificate for 127.0.0.1. Stopped by PID.
 */
export async function startPureFtpd(options: { readonly tls?: 'optional' | 'required' } = {}): Promise<PureFtpdServer> {
  const ftpd = findExecutable(['/usr/sbin/pure-ftpd'], 'pure-ftpd');
  const purePw = findExecutable(['/usr/bin/pure-pw'], 'pure-ftpd');
  const openssl = findExecutable(['/usr/bin/openssl', 'openssl'], 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'framewise-ftpd-'));
  const home = join(dir, 'home');
  mkdirSync(home);
  const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
  const nogroup = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
  chownSync(home, nobody, nogroup);
  const user = 'framewise';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  execFileSync(
    purePw,
    [
      'useradd',
      user,
      '-u',
      'nobody',
      '-g',
      'nogroup',
      '-d',
      home,
      '-f',
      join(dir, 'passwd'),
      '-m',
      '-F',
      join(dir, 'pureftpd.pdb'),
    ],
    {
      input: `${password}\n${password}\n`,
      stdio: ['pipe', 'ignore', 'ignore'],
    },
  );
  const hash = execFileSync(openssl, ['passwd', '-6', password], { encoding: 'utf8' }).trim();
  const line = readFileSync(join(dir, 'passwd'), 'utf8').trim().split(':');
  line[1] = hash;
  writeFileSync(join(dir, 'passwd'), `${line.join(':')}\n`);
  execFileSync(purePw, ['mkdb', join(dir, 'pureftpd.pdb'), '-f', join(dir, 'passwd')], { stdio: 'ignore' });
  execFileSync(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const certificate = readFileSync(join(dir, 'cert.pem'), 'utf8');
  writeFileSync(join(dir, 'pure-ftpd.pem'), readFileSync(join(dir, 'key.pem'), 'utf8') + certificate);
  const port = await freePort();
  const low = 30_000 + Math.floor(Math.random() * 300) * 100;
  let server: ReturnType<typeof spawnServer> | undefined;
  /** Every server process started, so `destroy` stops any a racing restart left behind. */
  const started: ChildProcess[] = [];
  const start = async () => {
    const s = spawnServer(
      ftpd,
      [
        '-S',
        `127.0.0.1,${port}`,
        '-l',
        `puredb:${join(dir, 'pureftpd.pdb')}`,
        '-E',
        '-H',
        '-4',
        '-f',
        'none',
        '-p',
        `${low}:${low + 99}`,
        '-P',
        '127.0.0.1',
        '-Y',
        options.tls === 'required' ? '2' : '1',
        '-2',
        join(dir, 'pure-ftpd.pem'),
      ],
      'pure-ftpd',
      { group: true },
    );
    server = s;
    started.push(s.child);
    await waitFor(`pure-ftpd on port ${port}`, async () => {
      if (s.child.exitCode !== null) throw new Error(`pure-ftpd exited: ${s.output()}`);
      return greets(port, '220');
    });
  };
  await start();
  const stop = async () => {
    if (server === undefined) return;
    // The sessions' own processes too: "down" means established connections drop as well.
    try {
      execFileSync('pkill', ['-TERM', '-P', String(server.child.pid)], { stdio: 'ignore' });
    } catch {
      // no session processes
    }
    await stopGroup(server.child);
    server = undefined;
  };
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    certificate,
    home,
    stop,
    start,
    freeze() {
      if (server?.child.pid !== undefined) signalTree(server.child.pid, 'SIGSTOP');
    },
    thaw() {
      if (server?.child.pid !== undefined) signalTree(server.child.pid, 'SIGCONT');
    },
    async destroy() {
      try {
        if (server?.child.pid !== undefined) signalTree(server.child.pid, 'SIGCONT');
      } catch {
        // not running
      }
      await stop();
      for (const child of started) await stopGroup(child, 1_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
