/**
 * CPU time of the PostgreSQL backends serving one client (found by `application_name`), read from
 * `/proc/<pid>/stat` (user + system; the bench's server runs on this machine). A backend that
 * appears between `start` and `since` counts from its start. Resolution: one clock tick (10 ms).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';

const TICK_MS = (() => {
  try {
    return 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  } catch {
    return 10;
  }
})();

/** CPU ms (user + system) a process has used, or undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** Measures the CPU of the backends whose `application_name` is `appName`. */
export function backendCpu(
  connectionString: string,
  appName: string,
): { start(): Promise<void>; since(): Promise<number>; close(): Promise<void> } {
  const client = new pg.Client({ connectionString });
  const connected = client.connect();
  const before = new Map<number, number>();
  const pids = async (): Promise<number[]> => {
    await connected;
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [appName],
    );
    return rows.map((r) => Number(r.pid));
  };
  return {
    async start() {
      before.clear();
      for (const pid of await pids()) before.set(pid, processCpuMs(pid) ?? 0);
    },
    async since() {
      let total = 0;
      for (const pid of new Set([...before.keys(), ...(await pids())])) {
        const now = processCpuMs(pid);
        if (now !== undefined) total += now - (before.get(pid) ?? 0);
      }
      return total;
    },
    async close() {
      await connected.catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
