import type { FramewiseError } from '@framewise/core/errors';
import { tapeError } from './errors.js';

/**
 * Turn the output of a failed LTFS command into a typed error. LTFS prints message ids
 * (`LTFS11095E`); the ones that mean a known condition are matched by id, never by prose.
 */
export function classifyLtfsFailure(
  what: string,
  device: string,
  output: string,
  exitCode: number | null,
): FramewiseError {
  const ids = new Set([...output.matchAll(/LTFS(\d{5}[EWI])/g)].map((m) => m[1]));
  const tail = output
    .split('\n')
    .filter((l) => /LTFS\d{5}E/.test(l))
    .slice(-3)
    .join(' | ')
    .slice(0, 600);
  const details = { device, exitCode, messages: [...ids].slice(0, 40) };
  const has = (...wanted: string[]) => wanted.some((id) => ids.has(id));
  // 11095E format refused: medium write protected; 12043E device is read-only.
  if (has('11095E', '12043E'))
    return tapeError('write-protected', `${what} "${device}": the cartridge is write-protected`, details);
  // 15047E medium already formatted (mkltfs without --force).
  if (has('15047E'))
    return tapeError('mount-busy', `${what} "${device}": already LTFS-formatted (pass force to reformat)`, details);
  // 11020E-11024E seek/read index failed; 11193E-11199E read index; 17xxx XML parse errors.
  if (
    has('11020E', '11021E', '11023E', '11024E', '11193E', '11197E', '11198E', '11199E') ||
    /LTFS17\d{3}E/.test(output)
  )
    return tapeError(
      'index-unreadable',
      `${what} "${device}": the LTFS index cannot be read (run ltfsck): ${tail}`,
      details,
    );
  // 11012E/11009E/17168E-ish: not an LTFS volume (no label).
  if (/label/i.test(tail) && /not|invalid|cannot/i.test(tail))
    return tapeError('not-ltfs', `${what} "${device}": not an LTFS volume: ${tail}`, details);
  return tapeError(
    'ltfs-failed',
    `${what} "${device}" failed (exit ${exitCode}): ${tail || output.slice(-600)}`,
    details,
  );
}
