/**
 * Corrections to ffmpeg's DASH MPD from what was packaged: exact `mediaPresentationDuration` and
 * `maxSegmentDuration` from the segment timelines (ffmpeg rounds 6.006 s to PT6.0S),
 * `bitstreamSwitching` only on single-representation sets (different rungs have different SPS),
 * `codecs` from the init segments' bitstream, CICP colour signalling per video representation
 * (DASH-IF IOP), and every referenced segment checked to exist.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FramewiseError } from '../../errors/index.js';
import { codecString } from './codec-string.js';
import type { LadderOutput } from './execute.js';
import { LOCAL_FILE } from './manifest-hls.js';

/** Seconds as an ISO 8601 duration with up to millisecond-exact decimals (`PT6.006S`). */
export function isoSeconds(seconds: number): string {
  return `PT${Number(seconds.toFixed(6)).toString()}S`;
}

interface Timeline {
  readonly timescale: number;
  readonly startNumber: number;
  readonly durations: readonly number[];
  /** End of the last segment in timescale units. */
  readonly end: number;
}

function timeline(representation: string): Timeline | undefined {
  const template = /<SegmentTemplate\b([^>]*)>/.exec(representation)?.[1];
  if (template === undefined) return undefined;
  const timescale = Number(/timescale="(\d+)"/.exec(template)?.[1] ?? 1);
  const startNumber = Number(/startNumber="(\d+)"/.exec(template)?.[1] ?? 1);
  const durations: number[] = [];
  let at = 0;
  let end = 0;
  for (const s of representation.matchAll(/<S\b([^>]*)\/>/g)) {
    const attrs = s[1] ?? '';
    const t = /\bt="(\d+)"/.exec(attrs);
    if (t) at = Number(t[1]);
    const d = Number(/\bd="(\d+)"/.exec(attrs)?.[1] ?? 0);
    const r = Number(/\br="(-?\d+)"/.exec(attrs)?.[1] ?? 0);
    for (let i = 0; i <= Math.max(0, r); i++) {
      durations.push(d);
      at += d;
    }
    end = at;
  }
  return timescale > 0 ? { timescale, startNumber, durations, end } : undefined;
}

const CICP = {
  sdr: { primaries: 1, transfer: 1, matrix: 1 },
  hdr10: { primaries: 9, transfer: 16, matrix: 9 },
  hlg: { primaries: 9, transfer: 18, matrix: 9 },
} as const;

function colourProperties(o: LadderOutput): string {
  const transfer = o.technical.video[0]?.transfer;
  const c = CICP[transfer === 'smpte2084' ? 'hdr10' : transfer === 'arib-std-b67' ? 'hlg' : 'sdr'];
  const p = (name: string, value: number) =>
    `<SupplementalProperty schemeIdUri="urn:mpeg:mpegB:cicp:${name}" value="${value}" />`;
  return `${p('ColourPrimaries', c.primaries)}${p('TransferCharacteristics', c.transfer)}${p('MatrixCoefficients', c.matrix)}`;
}

/**
 * Rewrite `manifest.mpd` in `directory` for the packaged outputs (representation ids in input
 * order: video outputs, then audio).
 *
 * @throws `INTEGRITY` when an init or media segment the MPD references was not written.
 */
export async function finishDashManifest(
  directory: string,
  manifest: string,
  outputs: readonly LadderOutput[],
): Promise<void> {
  const path = join(directory, manifest);
  let mpd = await readFile(path, 'utf8');
  let longest = 0;
  let maxSegment = 0;
  const representations = [...mpd.matchAll(/<Representation\b[^>]*\bid="(\d+)"[\s\S]*?<\/Representation>/g)];
  for (const match of representations) {
    const block = match[0];
    const id = match[1] as string;
    const output = outputs[Number(id)];
    const t = timeline(block);
    const template = /<SegmentTemplate\b([^>]*)>/.exec(block)?.[1] ?? '';
    const init = /initialization="([^"]+)"/.exec(template)?.[1]?.replaceAll('$RepresentationID$', id);
    const media = /media="([^"]+)"/.exec(template)?.[1]?.replaceAll('$RepresentationID$', id);
    if (t === undefined || init === undefined || media === undefined || t.durations.length === 0)
      throw new FramewiseError(
        'INTEGRITY',
        `Packaging into ${JSON.stringify(directory)}: representation ${id} has no segment timeline`,
        {
          details: { representation: id },
        },
      );
    const files = [
      init,
      ...t.durations.map((_, i) =>
        media.replace(/\$Number(?:%0(\d+)d)?\$/, (_m, width: string | undefined) =>
          String(t.startNumber + i).padStart(Number(width ?? 0), '0'),
        ),
      ),
    ];
    for (const file of files) {
      const ok =
        LOCAL_FILE.test(file) &&
        (await stat(join(directory, file)).then(
          (s) => s.isFile() && s.size > 0,
          () => false,
        ));
      if (!ok)
        throw new FramewiseError(
          'INTEGRITY',
          `Packaging into ${JSON.stringify(directory)}: ${manifest} references ${JSON.stringify(file)}, which was not written`,
          { details: { file, representation: id } },
        );
    }
    longest = Math.max(longest, t.end / t.timescale);
    maxSegment = Math.max(maxSegment, ...t.durations.map((d) => d / t.timescale));
    let fixed = block;
    const codecs = codecString(await readFile(join(directory, init)));
    if (codecs !== undefined) fixed = fixed.replace(/codecs="[^"]*"/, `codecs="${codecs}"`);
    if (output?.kind === 'video')
      fixed = fixed.replace(/(<Representation\b[^>]*>)/, `$1\n\t\t\t\t${colourProperties(output)}`);
    mpd = mpd.replace(block, fixed);
  }
  mpd = mpd
    .replace(/mediaPresentationDuration="[^"]*"/, `mediaPresentationDuration="${isoSeconds(longest)}"`)
    .replace(/maxSegmentDuration="[^"]*"/, `maxSegmentDuration="${isoSeconds(maxSegment)}"`);
  // bitstreamSwitching="true" promises one decoder configuration across the set: only kept for one representation.
  mpd = mpd.replace(/<AdaptationSet\b[^>]*>[\s\S]*?<\/AdaptationSet>/g, (set) =>
    (set.match(/<Representation\b/g) ?? []).length > 1 ? set.replace(/\s*bitstreamSwitching="true"/, '') : set,
  );
  await writeFile(path, mpd);
}
