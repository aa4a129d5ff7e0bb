import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebVTTParser } from 'webvtt-parser';
import { isFramewiseError } from '../errors/index.js';
import { FrameRate } from '../time/index.js';
import { frameToMs, msToFrame } from './millis.js';
import type { CaptionTrack } from './model.js';
import { canonicalCue } from './spans.js';
import { sample, trackArb } from './track.fixture.js';
import { captionTrack, cueText } from './track.js';
import { readWebVtt, writeWebVtt } from './webvtt.js';

const rate = FrameRate.FPS_25;
const read = (path: string): CaptionTrack => readWebVtt(sample(path), { rate }).track;

describe('readWebVtt on the web-platform-tests and pycaption samples', () => {
  it('settings-multiple: two cues with every setting', () => {
    const track = read('webvtt/wpt_settings-multiple.vtt');
    expect(track.cues.map((c) => [c.id, c.placement])).toEqual([
      ['id1', { align: 'start', line: { value: 1, unit: 'percent' }, vertical: 'lr', size: 50, position: 25 }],
      ['id2', { align: 'center', line: { value: 1, unit: 'line' }, vertical: 'rl', size: 0, position: 100 }],
    ]);
  });

  it('settings-position: notes are not cues; invalid positions are ignored, invalid alignments keep the position', () => {
    const track = read('webvtt/wpt_settings-position.vtt');
    expect(track.cues).toHaveLength(22);
    expect(track.cues.slice(0, 10).map((c) => [c.placement?.position, c.placement?.positionAlign])).toEqual([
      [1, undefined],
      [100, undefined],
      [1, undefined],
      [1.5, undefined],
      [1, 'line-left'],
      [1, 'center'],
      [1, 'line-right'],
      [1, undefined],
      [1, undefined],
      [1, undefined],
    ]);
    expect(track.cues.slice(10).every((c) => c.placement === undefined)).toBe(true);
    expect(track.cues[0]?.note).toBe('valid');
    expect(track.cues[10]?.note).toBe('invalid');
  });

  it('timings-omitted-hours and timings-too-long: only valid timestamps make cues', () => {
    expect(read('webvtt/wpt_timings-omitted-hours.vtt').cues.map((c) => [c.begin, c.end])).toEqual([
      [0, 25],
      [0, 25],
      [0, 25],
    ]);
    const long = readWebVtt(sample('webvtt/wpt_timings-too-long.vtt'), { rate });
    expect(long.track.cues.map(cueText)).toEqual(['text1', 'text2']);
    expect(long.issues.filter((i) => i.code === 'cue.bad-timing')).toHaveLength(13);
  });

  it('regions-scroll: region settings as the spec reads them', () => {
    const track = read('webvtt/wpt_regions-scroll.vtt');
    const scroll = track.cues.map((c) => track.regions.find((r) => r.id === c.region)?.scroll);
    expect(scroll).toEqual(['none', 'up', 'up', 'none', 'none', 'up']);
  });

  it('pycaption legacy settings: align:middle ignored, position 37 with its bad alignment dropped, line 74%', () => {
    const { track, issues } = readWebVtt(sample('webvtt/pycaption_cue_settings_legacy.vtt'), { rate });
    expect(track.cues).toHaveLength(2);
    expect(track.cues[0]?.placement).toEqual({ position: 37, line: { value: 74, unit: 'percent' } });
    expect(track.cues[1]?.placement).toBeUndefined();
    expect(track.cues.map((c) => [c.begin, c.end])).toEqual([
      [25, 150],
      [25, 150],
    ]);
    expect(issues.map((i) => i.code)).toContain('setting.ignored');
  });

  it('pycaption mixed hours: a whitespace line stays in the header, both cues are read', () => {
    const track = readWebVtt(sample('webvtt/pycaption_timestamps_mixed_hours.vtt'), { rate: 1000 }).track;
    expect(track.cues.map((c) => [c.begin, c.end])).toEqual([
      [61_001, 610_100],
      [3_661_001, 36_610_100],
    ]);
  });
});

describe('readWebVtt', () => {
  it('reads voices, styles, colour classes and entities; reports what the model cannot hold', () => {
    const vtt =
      'WEBVTT\n\nSTYLE\n::cue { color: red }\n\n00:01.000 --> 00:02.000\n<v Mary Ann><i>Hi</i> &amp; <c.yellow.loud>bye</c></v>\n<lang fr>oui</lang> <ruby>漢<rt>kan</rt></ruby><00:01.500>x\n';
    const { track, issues } = readWebVtt(vtt, { rate });
    expect(track.styleSheets).toEqual(['::cue { color: red }']);
    expect(track.cues[0]?.lines).toEqual([
      {
        spans: [
          { text: 'Hi', italic: true, voice: 'Mary Ann' },
          { text: ' & ', voice: 'Mary Ann' },
          { text: 'bye', color: 'yellow', voice: 'Mary Ann' },
        ],
      },
      { spans: [{ text: 'oui 漢x' }] },
    ]);
    expect(issues.map((i) => i.code)).toEqual([
      'class.dropped',
      'lang.dropped',
      'ruby.dropped',
      'timestamp-tag.dropped',
    ]);
  });

  it('refuses a file without the WEBVTT signature', () => {
    for (const bad of ['', 'WEBVTTX\n', '1\n00:00.000 --> 00:01.000\nx']) {
      expect(() => readWebVtt(bad, { rate })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });

  it('ignores STYLE and REGION blocks after the first cue, as the spec does', () => {
    const vtt = 'WEBVTT\n\n00:00.000 --> 00:01.000\na\n\nSTYLE\n::cue {}\n\nREGION\nid:r\n';
    const { track, issues } = readWebVtt(vtt, { rate });
    expect(track.styleSheets).toEqual([]);
    expect(track.regions).toEqual([]);
    expect(issues.map((i) => i.code)).toEqual(['block.ignored', 'block.ignored']);
  });
});

describe('writeWebVtt', () => {
  it('escapes text so that markup and arrows in it stay text', () => {
    const track = captionTrack({
      language: 'en',
      kind: 'subtitles',
      rate,
      cues: [{ begin: 0, end: 25, lines: [{ spans: [{ text: '<b> --> & </b>' }] }] }],
    });
    const { text } = writeWebVtt(track);
    expect(text).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n&lt;b&gt; --&gt; &amp; &lt;/b&gt;\n');
    expect(cueText(readWebVtt(text, { rate }).track.cues[0] as never)).toBe('<b> --> & </b>');
  });

  it('refuses CEA-608 data unless degrading, then lists it', () => {
    const track = captionTrack({
      language: 'en',
      kind: 'captions',
      rate: '29.97df',
      cues: [
        {
          begin: 0,
          end: 30,
          cea608: { mode: 'pop-on', channel: 1 },
          lines: [{ cell: { row: 15, column: 4 }, spans: [{ text: 'x' }] }],
        },
      ],
    });
    expect(() => writeWebVtt(track)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    expect(writeWebVtt(track, { degrade: true }).losses.map((l) => l.code)).toEqual(['cea608.dropped', 'cell.dropped']);
  });
});

describe('WebVTT round trip, differential and fuzzing', () => {
  it('model → WebVTT → model gives the canonical model back, frame for frame', () => {
    fc.assert(
      fc.property(trackArb('webvtt'), (track) => {
        const { text, losses } = writeWebVtt(track);
        expect(losses).toEqual([]);
        const back = readWebVtt(text, { rate: track.rate, language: 'en-GB' });
        expect(back.issues).toEqual([]);
        expect(back.track.cues).toEqual(track.cues.map(canonicalCue));
        expect(back.track.regions).toEqual(track.regions);
        expect(back.track.styleSheets).toEqual(track.styleSheets);
      }),
      { numRuns: 300 },
    );
  });

  it('writes files webvtt-parser accepts without errors, with the same times, ids and settings', () => {
    fc.assert(
      fc.property(trackArb('webvtt'), (track) => {
        // webvtt-parser 2.2 predates REGION blocks (it reads them as broken cues).
        fc.pre(track.regions.length === 0);
        const { text } = writeWebVtt(track);
        const tree = new WebVTTParser().parse(text, 'metadata');
        expect(tree.errors).toEqual([]);
        // webvtt-parser orders cues its own way: compare by (start, end, id).
        const key = (start: number, end: number, id: string): string => `${start}/${end}/${id}`;
        const theirs = new Map<string, (typeof tree.cues)[number]>();
        for (const c of tree.cues)
          theirs.set(key(Math.round(c.startTime * 1000), Math.round(c.endTime * 1000), c.id), c);
        const ours = track.cues.map((c) =>
          key(frameToMs(c.begin, track.rate), frameToMs(c.end, track.rate), c.id ?? ''),
        );
        expect(
          [...tree.cues.map((c) => key(Math.round(c.startTime * 1000), Math.round(c.endTime * 1000), c.id))].sort(),
        ).toEqual([...ours].sort());
        track.cues.forEach((c, i) => {
          const k = ours[i] as string;
          if (ours.indexOf(k) !== ours.lastIndexOf(k)) return; // two cues alike: no pairing
          const their = theirs.get(k);
          const p = c.placement;
          if (p?.position !== undefined) expect(their?.textPosition).toBe(p.position);
          if (p?.size !== undefined) expect(their?.size).toBe(p.size);
          if (p?.line !== undefined) expect(their?.linePosition).toBe(p.line.value);
          if (p?.align !== undefined) expect(their?.alignment).toBe(p.align);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with webvtt-parser on the timing of every sample cue', () => {
    for (const path of [
      'webvtt/wpt_settings-multiple.vtt',
      'webvtt/wpt_timings-omitted-hours.vtt',
      'webvtt/wpt_timings-too-long.vtt',
    ]) {
      const text = sample(path);
      const theirs = new WebVTTParser()
        .parse(text, 'metadata')
        .cues.map((c) => [
          msToFrame(Math.round(c.startTime * 1000), rate),
          msToFrame(Math.round(c.endTime * 1000), rate),
        ]);
      expect(
        readWebVtt(text, { rate }).track.cues.map((c) => [c.begin, c.end]),
        path,
      ).toEqual(theirs);
    }
  });

  it('never crashes or hangs on arbitrary input: a track or a typed error', () => {
    const pieces = fc.constantFrom(
      'WEBVTT\n',
      '\n',
      '\r\n',
      '00:01.000',
      '00:00:01.000',
      ' --> ',
      '-->',
      'NOTE',
      'STYLE',
      'REGION',
      'id:r',
      'region:r',
      '<v A>',
      '</v>',
      '<i>',
      '<c.red>',
      '&amp;',
      '&#x110000;',
      '&',
      '<',
      'line:50%,end',
      ' ',
      'x',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }).map((s) => `WEBVTT\n${s}`),
          fc.array(pieces, { maxLength: 60 }).map((a) => a.join('')),
        ),
        (input) => {
          try {
            const { track } = readWebVtt(input, { rate });
            for (const cue of track.cues) expect(cue.end).toBeGreaterThan(cue.begin);
          } catch (e) {
            expect(isFramewiseError(e)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads deeply nested and unterminated tags in linear time', () => {
    const body = `${'<i>'.repeat(100_000)}x${'<'.repeat(100_000)}`;
    const { track, issues } = readWebVtt(`WEBVTT\n\n00:00.000 --> 00:01.000\n${body}\n`, { rate });
    expect(cueText(track.cues[0] as never)).toBe('x');
    expect(issues.some((i) => i.code === 'tag.dropped')).toBe(true);
  });
});
