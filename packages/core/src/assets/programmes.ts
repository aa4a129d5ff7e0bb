import { z } from 'zod';
import { FramewiseError } from '../errors/index.js';
import { LabelSchema } from './common.js';
import type { TechnicalMetadata } from './technical.js';

/**
 * The programme layouts loudness is measured over, with the ffmpeg channel layout each measures
 * as and the channel of each track, in track order (ITU-R BS.775 / SMPTE order: L R C LFE Ls Rs).
 * ebur128 weights channels by their position (ITU-R BS.1770): LFE is left out, surrounds count
 * +1.5 dB (×1.41), the others ×1.
 */
export const PROGRAMME_LAYOUTS = {
  mono: { ffmpeg: 'mono', channels: ['FC'] },
  stereo: { ffmpeg: 'stereo', channels: ['FL', 'FR'] },
  '5.1': { ffmpeg: '5.1(side)', channels: ['FL', 'FR', 'FC', 'LFE', 'SL', 'SR'] },
} as const;

/** A programme layout: `mono`, `stereo` or `5.1`. */
export type ProgrammeLayout = keyof typeof PROGRAMME_LAYOUTS;

/**
 * One audio programme as an order spec names it: its layout and the audio tracks that carry it
 * (0-based, in stream order). Either one track holding all its channels, or one mono track per
 * channel in the layout's order (5.1: L R C LFE Ls Rs).
 */
export const AudioProgrammeSchema = z.strictObject({
  /** e.g. `main`, `M&E`. */
  name: LabelSchema.optional(),
  layout: z.enum(['mono', 'stereo', '5.1']),
  tracks: z.array(z.number().int().nonnegative()).min(1).max(6),
});
/** An audio programme as written. */
export type AudioProgrammeInput = z.input<typeof AudioProgrammeSchema>;

/** An audio programme: what loudness is measured and corrected over. */
export interface AudioProgramme {
  /** `audio:0` for a programme on one track, `audio:0+1` (`audio:2+3+4+5+6+7`) for one on mono tracks. */
  readonly id: string;
  readonly name?: string;
  readonly layout: ProgrammeLayout | 'other';
  /** Audio track indexes (0-based, stream order), in channel order. */
  readonly tracks: readonly number[];
}

/** An audio track as programme detection reads it: its channel count and layout. */
export type AudioTrack = Pick<TechnicalMetadata['audio'][number], 'channels'> & {
  readonly layout?: string | undefined;
};

const idOf = (tracks: readonly number[]) => `audio:${tracks.join('+')}`;

/** The layout of a track that is a programme on its own. */
function ownLayout(track: AudioTrack): AudioProgramme['layout'] {
  if (track.channels === 1) return 'mono';
  if (track.channels === 2) return 'stereo';
  if (track.channels === 6) return '5.1';
  return 'other';
}

/**
 * Group a file's audio tracks into programmes.
 *
 * Default mapping (when the order names none), over each run of consecutive mono tracks: exactly
 * 6 → one 5.1 programme (L R C LFE Ls Rs); exactly 8 → 5.1 on the first six and stereo on the last
 * two; otherwise stereo pairs in order (1+2, 3+4, …), an odd last track mono. A track with more
 * than one channel is a programme on its own (2 channels stereo, 6 channels 5.1).
 *
 * With `spec` (from the order), exactly the programmes it names; tracks it leaves out are each a
 * programme on their own.
 *
 * @throws `INVALID_INPUT` naming the programme when it names a track the file lacks, uses a track
 * twice, or its tracks do not carry its layout (one track with all its channels, or one mono
 * track per channel).
 */
export function detectProgrammes(
  audio: readonly AudioTrack[],
  spec?: readonly AudioProgrammeInput[],
): AudioProgramme[] {
  if (spec !== undefined) return fromSpec(audio, spec);
  const out: AudioProgramme[] = [];
  let run: number[] = [];
  const flush = () => {
    const groups: [ProgrammeLayout, number[]][] = [];
    if (run.length === 6) groups.push(['5.1', run]);
    else if (run.length === 8) groups.push(['5.1', run.slice(0, 6)], ['stereo', run.slice(6)]);
    else
      for (let i = 0; i < run.length; i += 2) {
        const pair = run.slice(i, i + 2);
        groups.push([pair.length === 2 ? 'stereo' : 'mono', pair]);
      }
    for (const [layout, tracks] of groups) out.push({ id: idOf(tracks), layout, tracks });
    run = [];
  };
  audio.forEach((track, i) => {
    if (track.channels === 1) {
      run.push(i);
      return;
    }
    flush();
    out.push({ id: idOf([i]), layout: ownLayout(track), tracks: [i] });
  });
  flush();
  return out.sort((a, b) => (a.tracks[0] as number) - (b.tracks[0] as number));
}

function fromSpec(audio: readonly AudioTrack[], specInput: readonly AudioProgrammeInput[]): AudioProgramme[] {
  const used = new Set<number>();
  const out: AudioProgramme[] = [];
  specInput.forEach((raw, p) => {
    const parsed = AudioProgrammeSchema.safeParse(raw);
    const what = `Audio programme ${p}${typeof raw?.name === 'string' ? ` (${JSON.stringify(raw.name)})` : ''}`;
    const refuse = (why: string): never => {
      throw new FramewiseError('INVALID_INPUT', `${what}: ${why}`, { details: { programme: p } });
    };
    if (!parsed.success) refuse(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const spec = parsed.data as z.output<typeof AudioProgrammeSchema>;
    const channels = PROGRAMME_LAYOUTS[spec.layout].channels.length;
    for (const t of spec.tracks) {
      if (audio[t] === undefined) refuse(`names audio track ${t}, but the file has ${audio.length}`);
      if (used.has(t)) refuse(`uses audio track ${t}, which another programme already uses`);
      used.add(t);
    }
    if (spec.tracks.length === 1) {
      const track = audio[spec.tracks[0] as number] as AudioTrack;
      if (track.channels !== channels)
        refuse(`is ${spec.layout} (${channels} channels) but track ${spec.tracks[0]} has ${track.channels}`);
    } else {
      if (spec.tracks.length !== channels)
        refuse(`is ${spec.layout}: it needs ${channels} mono tracks (or one track), not ${spec.tracks.length}`);
      const notMono = spec.tracks.find((t) => (audio[t] as AudioTrack).channels !== 1);
      if (notMono !== undefined)
        refuse(`track ${notMono} is not mono; a programme on several tracks needs mono tracks`);
    }
    out.push({
      id: idOf(spec.tracks),
      ...(spec.name === undefined ? {} : { name: spec.name }),
      layout: spec.layout,
      tracks: spec.tracks,
    });
  });
  audio.forEach((track, i) => {
    if (!used.has(i)) out.push({ id: idOf([i]), layout: ownLayout(track), tracks: [i] });
  });
  return out.sort((a, b) => (a.tracks[0] as number) - (b.tracks[0] as number));
}

/**
 * The filter-graph fragment that presents a programme to a filter: a single track as it is, mono
 * tracks joined into the programme's layout (each track to its channel).
 *
 * @param inputs the pad of each track (e.g. `[0:a:2]`), in the programme's track order.
 */
export function programmeSource(programme: AudioProgramme, inputs: readonly string[]): string {
  if (programme.tracks.length === 1 || programme.layout === 'other') return inputs[0] as string;
  const layout = PROGRAMME_LAYOUTS[programme.layout];
  const map = layout.channels.map((c, i) => `${i}.0-${c}`).join('|');
  return `${inputs.join('')}join=inputs=${inputs.length}:channel_layout=${layout.ffmpeg}:map=${map}`;
}
