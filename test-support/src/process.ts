import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (listen on port 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Find an executable: the first candidate path that exists, or a name on PATH. */
export function findExecutable(candidates: readonly string[], aptPackage: string): string {
  for (const candidate of candidates) {
    if (candidate.includes('/')) {
      if (existsSync(candidate)) return candidate;
    } else {
      try {
        return execFileSync('sh', ['-c', 'command -v "$0"', candidate], { encoding: 'utf8' }).trim();
      } catch {
        // try the next
      }
    }
  }
  throw new Error(
    `${candidates.join(' or ')} not found: install it with \`apt-get install -y ${aptPackage}\` (scripts/setup.sh does)`,
  );
}

/** Wait until `check` resolves true, polling, or throw after `timeoutMs` naming `what`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Spawn a server in the foreground, keeping its output for error messages. */
export function spawnServer(
  command: string,
  args: readonly string[],
  name: string,
  options: { readonly group?: boolean } = {},
): { child: ChildProcess; output: () => string } {
  // `group`: the server and the processes it forks per connection get their own process group,
  // so `stopGroup` can stop them all.
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: options.group === true });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (error) => {
    output += `\n${name} failed to start: ${error.message}`;
  });
  return { child, output: () => output };
}

/** Signal a process and wait for it to exit (SIGKILL after `graceMs`). */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 10_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Stop a server started with `group: true` and every process of its group (the per-connection
 * processes FTP and SSH servers fork), SIGKILL after `graceMs`.
 */
export async function stopGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // the group is gone already
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** True once a TCP server on loopback `port` greets with a line starting `prefix` (`SSH-`, `220`). */
export function greets(port: number, prefix: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith(prefix));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Send `signal` to a process and every process below it (per-connection servers that left its
 * process group with `setsid` included): e.g. SIGSTOP to make a server hang, SIGCONT to resume it.
 */
export function signalTree(pid: number, signal: NodeJS.Signals): void {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const all = [pid];
  for (let i = 0; i < all.length; i++) for (const [child, parent] of table) if (parent === all[i]) all.push(child);
  for (const p of all) {
    try {
      process.kill(p, signal);
    } catch {
      // gone meanwhile
    }
  }
}
