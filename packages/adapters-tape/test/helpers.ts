/**
 * Test helpers for the tape package: where the LTFS schema profile and samples are, xmllint
 * validation against it, and the LTFS binaries (a missing one fails the test with its name; never
 * a skip).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLtfsVolumeDriver, findTool, type LtfsVolumeDriver } from '../src/ltfs/index.js';

const repoRoot = resolve(new URL('.', import.meta.url).pathname, '..', '..', '..');

/** `../shared/schemas/ltfs` (or `$FRAMEWISE_SCHEMAS_DIR/ltfs`): the profile XSD and samples. */
export function ltfsSchemaDir(): string {
  const candidates = [process.env.FRAMEWISE_SCHEMAS_DIR, join(repoRoot, '..', 'shared', 'schemas')]
    .filter((d): d is string => d !== undefined && d !== '')
    .map((d) => join(d, 'ltfs'));
  const found = candidates.find((d) => existsSync(join(d, 'ltfs-index-profile.xsd')));
  if (found === undefined)
    throw new Error(`The LTFS index profile (ltfs-index-profile.xsd) was not found in ${candidates.join(', ')}`);
  return found;
}

/** Validate an LTFS index or label with xmllint against the project's LTFS index profile. */
export function validateLtfsXml(xml: string): Promise<{ valid: boolean; errors: string }> {
  return new Promise((done, reject) => {
    const child = execFile(
      'xmllint',
      ['--nonet', '--noout', '--schema', join(ltfsSchemaDir(), 'ltfs-index-profile.xsd'), '-'],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new Error('xmllint is missing: apt-get install -y libxml2-utils'));
          return;
        }
        done({ valid: error === null, errors: stderr });
      },
    );
    child.stdin?.end(xml);
  });
}

/**
 * The LTFS binaries this machine must have for the integration tests; throws naming the first
 * missing one and how to get it.
 */
export function requireLtfs(): void {
  const binDir = process.env.FRAMEWISE_LTFS_BIN ?? '/opt/ltfs/bin';
  for (const tool of ['mkltfs', 'ltfs', 'getfattr', 'setfattr', 'fusermount'] as const) findTool(tool, binDir);
  if (!existsSync('/dev/fuse')) throw new Error('/dev/fuse is missing: LTFS mounts through FUSE');
}

/** A temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `framewise-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A volume driver for tests, plus a teardown that unmounts whatever it still holds. */
export function testDriver(): { driver: LtfsVolumeDriver; teardown: () => Promise<void> } {
  requireLtfs();
  const driver = createLtfsVolumeDriver({ backend: 'file' });
  return {
    driver,
    teardown: async () => {
      for (const m of driver.mounts()) await m.unmount().catch(() => undefined);
      await driver.close();
    },
  };
}
