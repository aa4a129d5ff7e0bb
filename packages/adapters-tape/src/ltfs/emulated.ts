import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '@framewise/core/errors';
import { tapeError } from './errors.js';
import type { LtfsIndex } from './index-model.js';
import { parseLtfsIndex } from './index-parse.js';

/**
 * The file backend's per-cartridge configuration (`filedebug_tc_conf.xml` in the cartridge
 * directory, read by LTFS at every load; LTFS writes one with its defaults when absent).
 */
const CONFIG = 'filedebug_tc_conf.xml';

/** Settings of an emulated cartridge (the LTFS `file` backend). */
export interface EmulatedCartridgeSettings {
  /** Capacity in MB (LTFS default 3072); 5% of it is the index partition. */
  readonly capacityMb?: number;
  /** Emulate the write-protect tab: LTFS then mounts the cartridge read-only and refuses to format it. */
  readonly writeProtected?: boolean;
}

/**
 * Set an emulated cartridge's capacity or write-protect tab by rewriting its backend
 * configuration. The cartridge must have been loaded once (formatted) so the configuration exists.
 *
 * @throws `NOT_FOUND` when `dir` holds no emulated cartridge configuration.
 */
export async function configureEmulatedCartridge(dir: string, settings: EmulatedCartridgeSettings): Promise<void> {
  const path = join(dir, CONFIG);
  const xml = await readFile(path, 'utf8').catch(() => undefined);
  if (xml === undefined)
    throw new FramewiseError('NOT_FOUND', `"${dir}" has no emulated cartridge configuration (format it first)`, {
      details: { dir },
    });
  let next = xml;
  const set = (tag: string, value: string) => {
    const re = new RegExp(`<${tag}>[^<]*</${tag}>`);
    if (!re.test(next)) throw new FramewiseError('INVALID_INPUT', `"${path}" has no <${tag}>`, { details: { path } });
    next = next.replace(re, `<${tag}>${value}</${tag}>`);
  };
  if (settings.capacityMb !== undefined) {
    if (!Number.isSafeInteger(settings.capacityMb) || settings.capacityMb < 64)
      throw new FramewiseError('INVALID_INPUT', `Emulated capacity ${settings.capacityMb} MB is below 64 MB`, {
        details: { capacityMb: settings.capacityMb },
      });
    set('capacity_mb', String(settings.capacityMb));
  }
  if (settings.writeProtected !== undefined) set('emulate_readonly', settings.writeProtected ? 'true' : 'false');
  await writeFile(path, next);
}

/**
 * Read the newest LTFS index written on an emulated cartridge, without mounting it: the file
 * backend keeps every tape record as a file named `<partition>_<block>_R`; index records are the
 * ones holding an `ltfsindex` document. The highest generation wins (the data-partition copy when
 * both partitions hold it).
 *
 * @throws `INTEGRITY` (`index-unreadable`) when no index record parses.
 */
export async function readEmulatedCartridgeIndex(dir: string): Promise<LtfsIndex> {
  const names = await readdir(dir);
  let best: LtfsIndex | undefined;
  let lastError: unknown;
  for (const name of names) {
    const m = /^(\d+)_(\d+)_R$/.exec(name);
    if (m === null) continue;
    const path = join(dir, name);
    const info = await stat(path);
    if (info.size > 256 * 1024 * 1024 || info.size < 40) continue;
    const bytes = await readFile(path);
    const head = bytes.subarray(0, 200).toString('latin1');
    if (!head.includes('<ltfsindex')) continue;
    try {
      const index = parseLtfsIndex(bytes, `${name} of ${dir}`);
      if (best === undefined || index.generation > best.generation) best = index;
    } catch (error) {
      lastError = error;
    }
  }
  if (best === undefined)
    throw tapeError(
      'index-unreadable',
      `No readable LTFS index on the emulated cartridge "${dir}"`,
      { dir },
      lastError,
    );
  return best;
}
