import { readFile } from 'node:fs/promises';

/** Undo the octal escapes (`\040` for a space) of a /proc/self/mountinfo field. */
const unescapeField = (field: string): string =>
  field.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));

/** One mount of /proc/self/mountinfo: where, the file system type and source, read-only or not. */
export interface MountEntry {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
  readonly readOnly: boolean;
}

/** The current mounts (Linux), from /proc/self/mountinfo. */
export async function currentMounts(): Promise<MountEntry[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const fields = left.split(' ');
    const [fsType, source] = right.split(' ');
    const mountPoint = fields[4];
    const options = fields[5] ?? '';
    if (mountPoint === undefined || fsType === undefined) continue;
    out.push({
      mountPoint: unescapeField(mountPoint),
      fsType,
      source: unescapeField(source ?? ''),
      readOnly: options.split(',').includes('ro'),
    });
  }
  return out;
}

/** The mount at exactly `mountPoint`, if any (the last one wins, as the kernel shows it). */
export async function mountAt(mountPoint: string): Promise<MountEntry | undefined> {
  const mounts = await currentMounts();
  return mounts.filter((m) => m.mountPoint === mountPoint).at(-1);
}
