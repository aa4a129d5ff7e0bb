/**
 * fast-check generators of caption tracks that a given format can hold exactly, for round-trip
 * property tests (model → format → model gives the canonical form of the model back).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { FrameRate } from '../time/index.js';
import type {
  CaptionColor,
  CaptionCue,
  CaptionLine,
  CaptionRegion,
  CaptionSpan,
  CaptionTrack,
  CuePlacement,
} from './model.js';
import { captionTrack } from './track.js';

/** The rates the generators pick from. */
export const RATES: readonly FrameRate[] = [
  FrameRate.FPS_23_976,
  FrameRate.FPS_24,
  FrameRate.FPS_25,
  FrameRate.FPS_29_97_DF,
  FrameRate.FPS_29_97_NDF,
  FrameRate.FPS_30,
  FrameRate.FPS_50,
  FrameRate.FPS_59_94_DF,
  FrameRate.FPS_60,
];

const COLORS: readonly CaptionColor[] = ['green', 'blue', 'cyan', 'red', 'yellow', 'magenta', 'black'];
const CHARS = [...'abcXYZ019 ,.!?\'"-:;<>&/=#éß♪中\u00a0\t'];

/** Text over a small alphabet that includes markup characters. */
const text = (min: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...CHARS), { minLength: min, maxLength: 12 }).map((a) => a.join(''));

export type GeneratedFormat = 'srt' | 'webvtt';

const SRT_TAG = /<\/?(?:i|b|u|font)(?=[\s>]|$)/i;

function spanArb(format: GeneratedFormat): fc.Arbitrary<CaptionSpan> {
  const voice =
    format === 'webvtt'
      ? fc.option(fc.constantFrom('Bob', 'Mary Ann', 'A&B <x>'), { nil: undefined })
      : fc.constant(undefined);
  return fc
    .record({
      text: text(1),
      italic: fc.boolean(),
      bold: fc.boolean(),
      underline: fc.boolean(),
      color: fc.option(fc.constantFrom(...COLORS), { nil: undefined }),
      voice,
    })
    .filter((s) => !s.text.includes('-->') && !SRT_TAG.test(s.text))
    .map((s) => {
      const span: { -readonly [K in keyof CaptionSpan]: CaptionSpan[K] } = { text: s.text };
      if (s.italic) span.italic = true;
      if (s.bold) span.bold = true;
      if (s.underline) span.underline = true;
      if (s.color !== undefined) span.color = s.color;
      if (s.voice !== undefined) span.voice = s.voice;
      return span;
    });
}

function lineArb(format: GeneratedFormat): fc.Arbitrary<CaptionLine> {
  return fc
    .array(spanArb(format), { minLength: 1, maxLength: 4 })
    .filter((spans) => /\S/.test(spans.map((s) => s.text).join('')))
    .map((spans) => ({ spans }));
}

const percent = fc.integer({ min: 0, max: 200 }).map((n) => n / 2);

const placementArb: fc.Arbitrary<CuePlacement> = fc
  .record(
    {
      vertical: fc.constantFrom('rl' as const, 'lr' as const),
      line: fc.oneof(
        fc.integer({ min: -15, max: 15 }).map((value) => ({ value, unit: 'line' as const })),
        percent.map((value) => ({ value, unit: 'percent' as const })),
      ),
      lineAlign: fc.constantFrom('start' as const, 'center' as const, 'end' as const),
      position: percent,
      positionAlign: fc.constantFrom('line-left' as const, 'center' as const, 'line-right' as const),
      size: percent,
      align: fc.constantFrom('start' as const, 'center' as const, 'end' as const, 'left' as const, 'right' as const),
    },
    { requiredKeys: [] },
  )
  .filter((p) => p.lineAlign === undefined || p.line !== undefined)
  .filter((p) => p.positionAlign === undefined || p.position !== undefined);

const REGIONS: readonly CaptionRegion[] = [
  { id: 'top', width: 80, lines: 2, regionAnchor: { x: 0, y: 0 }, viewportAnchor: { x: 10, y: 10 }, scroll: 'none' },
  {
    id: 'roll',
    width: 40.5,
    lines: 4,
    regionAnchor: { x: 50, y: 100 },
    viewportAnchor: { x: 50, y: 90 },
    scroll: 'up',
  },
];

function cueArb(format: GeneratedFormat, regions: readonly CaptionRegion[]): fc.Arbitrary<CaptionCue> {
  const vtt = format === 'webvtt';
  const empty = fc.constant([{ spans: [] }] as CaptionLine[]);
  return fc
    .record({
      begin: fc.integer({ min: 0, max: 30 * 3600 * 10 }),
      duration: fc.integer({ min: 1, max: 600 }),
      lines: fc.oneof(
        { arbitrary: empty, weight: 1 },
        { arbitrary: fc.array(lineArb(format), { minLength: 1, maxLength: 3 }), weight: 8 },
      ),
      id: vtt
        ? fc.option(fc.constantFrom('1', 'intro', 'cue-7', 'NOTES', 'x y'), { nil: undefined })
        : fc.constant(undefined),
      note: vtt
        ? fc.option(fc.constantFrom('translator: check', 'two\nlines', ''), { nil: undefined })
        : fc.constant(undefined),
      placement: vtt ? fc.option(placementArb, { nil: undefined }) : fc.constant(undefined),
      region:
        vtt && regions.length > 0
          ? fc.option(fc.constantFrom(...regions.map((r) => r.id)), { nil: undefined })
          : fc.constant(undefined),
    })
    .map((c) => {
      const cue: { -readonly [K in keyof CaptionCue]: CaptionCue[K] } = {
        begin: c.begin,
        end: c.begin + c.duration,
        lines: c.lines,
      };
      if (c.id !== undefined) cue.id = c.id;
      if (c.note !== undefined) cue.note = c.note;
      if (c.placement !== undefined && Object.keys(c.placement).length > 0) cue.placement = c.placement;
      if (c.region !== undefined) cue.region = c.region;
      return cue;
    });
}

/** Tracks that `format` holds exactly. */
export function trackArb(format: GeneratedFormat): fc.Arbitrary<CaptionTrack> {
  const vtt = format === 'webvtt';
  return fc
    .record({
      rate: fc.constantFrom(...RATES),
      regions: vtt ? fc.subarray([...REGIONS]) : fc.constant([] as CaptionRegion[]),
      styleSheets: vtt
        ? fc.subarray(['::cue { color: yellow }', '::cue(b) {\n  font-weight: 900;\n}'])
        : fc.constant([] as string[]),
    })
    .chain(({ rate, regions, styleSheets }) =>
      fc
        .array(cueArb(format, regions), { maxLength: 12 })
        .map((cues) => captionTrack({ language: 'en-GB', kind: 'subtitles', rate, regions, styleSheets, cues })),
    );
}

const TESTDATA = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  '..',
  'shared',
  'testdata',
  'captions',
);

/**
 * A caption sample from `../shared/testdata/captions` (public test files; see its SOURCES.md).
 * Missing samples are a loud failure, never a skipped test.
 */
export function sample(path: string): string {
  const file = join(TESTDATA, path);
  if (!existsSync(file))
    throw new Error(`caption sample ${file} not found: the repository expects ../shared/testdata/captions beside it`);
  return readFileSync(file, 'utf8');
}
