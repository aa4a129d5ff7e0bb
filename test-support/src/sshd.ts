import { type ChildProcess, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, freePort, greets, signalTree, spawnServer, stopGroup, waitFor } from './process.js';

/** A running OpenSSH sshd serving SFTP on loopback, with throwaway keys. */
export interface SshdServer {
  readonly host: '127.0.0.1';
  port: number;
  readonly username: string;
  /** The client's private key (OpenSSH format), authorised on the server. */
  readonly privateKey: string;
  /** SHA-256 fingerprint of the server's host key, as OpenSSH prints it (`SHA256:…`). */
  readonly hostKeySha256: string;
  /** A directory the SFTP user can write: the drop folder root for tests. */
  readonly root: string;
  /** Stop the server (it can be started again on the same port, with the same keys). */
  stop(): Promise<void>;
  /** Start it again after `stop` (same port, keys and files). */
  start(): Promise<void>;
  /** Stop it for good and remove its directory. */
  destroy(): Promise<void>;
  /** Hang: the server and its sessions stop answering (SIGSTOP to its process group), connections stay open. */
  freeze(): void;
  /** Answer again after {@link freeze} (SIGCONT). */
  thaw(): void;
}

/**
 * Start OpenSSH's sshd on a free loopback port with a throwaway ed25519 host key and client key,
 * key authentication only, and the internal SFTP server (../shared/COMPONENTS.md). Stopped by PID.
 */
export async function startSshd(): Promise<SshdServer> {
  const sshd = findExecutable(['/usr/sbin/sshd'], 'openssh-server');
  const keygen = findExecutable(['/usr/bin/ssh-keygen', 'ssh-keygen'], 'openssh-client');
  const dir = mkdtempSync(join(tmpdir(), 'framewise-sshd-'));
  mkdirSync('/run/sshd', { recursive: true });
  for (const key of ['host_key', 'client_key'])
    execFileSync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, key)], { stdio: 'ignore' });
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  const root = join(dir, 'drop');
  mkdirSync(root);
  const blob = Buffer.from(readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ')[1] as string, 'base64');
  const hostKeySha256 = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  const port = await freePort();
  const username = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
  let server: ReturnType<typeof spawnServer> | undefined;
  /** Every server process started, so `destroy` stops any a racing restart left behind. */
  const started: ChildProcess[] = [];
  const start = async () => {
    const s = spawnServer(
      sshd,
      [
        '-D',
        '-e',
        '-f',
        '/dev/null',
        '-p',
        String(port),
        '-h',
        join(dir, 'host_key'),
        '-o',
        'ListenAddress=127.0.0.1',
        '-o',
        `AuthorizedKeysFile=${join(dir, 'authorized_keys')}`,
        '-o',
        'StrictModes=no',
        '-o',
        'PasswordAuthentication=no',
        '-o',
        'KbdInteractiveAuthentication=no',
        '-o',
        'UsePAM=no',
        '-o',
        'PermitRootLogin=prohibit-password',
        '-o',
        `PidFile=${join(dir, 'sshd.pid')}`,
        '-o',
        'Subsystem=sftp internal-sftp',
      ],
      'sshd',
      { group: true },
    );
    server = s;
    started.push(s.child);
    await waitFor(`sshd on port ${port}`, async () => {
      if (s.child.exitCode !== null) throw new Error(`sshd exited: ${s.output()}`);
      return greets(port, 'SSH-');
    });
  };
  await start();
  const stop = async () => {
    if (server === undefined) return;
    // The connections' own sshd processes too: "down" means established sessions drop as well.
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
    username,
    privateKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    hostKeySha256,
    root,
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
      // Any listener still serving this directory's keys (a restart racing a stop) goes too.
      try {
        execFileSync('pkill', ['-TERM', '-f', join(dir, 'host_key')], { stdio: 'ignore' });
      } catch {
        // none left
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
