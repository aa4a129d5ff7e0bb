import { runCommand } from './binaries.js';

/**
 * Read one extended attribute of a file with `getfattr` (package `attr`): its raw value, or
 * `undefined` when the file has no such attribute. LTFS answers its virtual `user.ltfs.*`
 * attributes (start block, partition, file UID, volume serial, index generation, media figures)
 * this way; they are not listed by `listxattr`, so each is asked for by name.
 */
export async function readXattr(getfattr: string, path: string, name: string): Promise<string | undefined> {
  const result = await runCommand(getfattr, ['--only-values', '--absolute-names', '-n', name, '--', path], {
    timeoutMs: 60_000,
  });
  if (result.exitCode !== 0) return undefined;
  return result.stdout.toString('utf8');
}
