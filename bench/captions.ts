/**
 * `pnpm bench captions`: parse + write a 10,000-cue file per format, Framewise against the npm
 * peer for that format in the same run (`subtitle` for SRT, `webvtt-parser` for WebVTT; SCC has
 * no maintained npm writer, so ours runs alone), rounds interleaved ours/peer, wall and CPU time
 * (user + system) per round; then a 10,000-cue track retimed through a 100-event edit list.
 */
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import {
  type CaptionCue,
  captionTrack,
  EditList,
  FrameRate,
  readScc,
  readSrt,
  readWebVtt,
  retimeCaptions,
  writeScc,
  writeSrt,
  writeWebVtt,
} from '@framewise/core';
import { parseSync, stringifySync } from 'subtitle';
import { consume, machine } from './harness.js';

// webvtt-parser is CommonJS without named-export hints for Node's ESM loader.
const { WebVTTParser, WebVTTSerializer } = createRequire(import.meta.url)(
  'webvtt-parser',
) as typeof import('webvtt-parser');

const CUES = 10_000;
const ROUNDS = 7;

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

function once(run: () => void): Timing {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  run();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Interleave rounds of each case (warm-up first), return the median wall and CPU time of each. */
function interleaved(cases: Record<string, () => void>): Record<string, Timing> {
  const names = Object.keys(cases);
  for (const name of names) for (let i = 0; i < 2; i++) (cases[name] as () => void)();
  const samples = new Map<string, Timing[]>(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of r % 2 === 0 ? names : [...names].reverse())
      samples.get(name)?.push(once(cases[name] as () => void));
  }
  return Object.fromEntries(
    names.map((n) => {
      const s = samples.get(n) ?? [];
      return [n, { wallMs: median(s.map((x) => x.wallMs)), cpuMs: median(s.map((x) => x.cpuMs)) }];
    }),
  );
}

// A deterministic 10,000-cue track: one or two lines, some italics, 2-5 s cues.
let seed = 0x1234567;
const next = (n: number): number => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed % n;
};
const WORDS = ['the', 'tide', 'is', 'turning', 'Marta', 'said', 'we', 'have', 'to', 'go', 'now', 'before', 'dark'];
const sentence = (): string => Array.from({ length: 3 + next(5) }, () => WORDS[next(WORDS.length)]).join(' ');

function track(rate: FrameRate, maxLine: number) {
  const cues: CaptionCue[] = [];
  let at = Math.round(rate.fps * 10);
  for (let i = 0; i < CUES; i++) {
    const duration = Math.round(rate.fps * (2 + next(4)));
    const lines = Array.from({ length: 1 + next(2) }, () => ({
      spans:
        next(5) === 0
          ? [{ text: sentence().slice(0, maxLine), italic: true }]
          : [{ text: sentence().slice(0, maxLine) }],
    }));
    cues.push({ begin: at, end: at + duration, lines });
    at += duration + 1 + next(10);
  }
  return captionTrack({ language: 'en', kind: 'subtitles', rate, cues });
}

const pal = track(FrameRate.FPS_25, 80);
const srt = writeSrt(pal).text;
const vtt = writeWebVtt(pal).text;
// SCC rows hold 32 columns.
const ntsc = track(FrameRate.FPS_29_97_DF, 30);
const scc = writeScc(ntsc).text;

const results = {
  srt: interleaved({
    ours: () => consume(writeSrt(readSrt(srt, { rate: 25 }).track).text.length),
    peer: () => consume(stringifySync(parseSync(srt), { format: 'SRT' }).length),
  }),
  webvtt: interleaved({
    ours: () => consume(writeWebVtt(readWebVtt(vtt, { rate: 25 }).track).text.length),
    peer: () => {
      const tree = new WebVTTParser().parse(vtt, 'metadata');
      consume(new WebVTTSerializer().serialize(tree.cues).length);
    },
  }),
  scc: interleaved({
    ours: () => consume(writeScc(readScc(scc).track).text.length),
  }),
};

// Retiming: 100 events keeping 95 % of a 10,000-cue programme, in a shuffled order.
const duration = (pal.cues.at(-1) as CaptionCue).end + 100;
const piece = Math.floor(duration / 100);
const events = Array.from({ length: 100 }, (_, i) => ({
  source: 'master',
  start: i * piece + next(Math.floor(piece / 20)),
  duration: Math.floor(piece * 0.95),
}));
for (let i = events.length - 1; i > 0; i--) {
  const j = next(i + 1);
  [events[i], events[j]] = [events[j] as (typeof events)[number], events[i] as (typeof events)[number]];
}
const edit = EditList.of(25, events);
let report = retimeCaptions(pal, edit, { source: 'master' });
const retime = interleaved({
  ours: () => {
    report = retimeCaptions(pal, edit, { source: 'master' });
    consume(report.track.cues.length);
  },
});

const load = loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
console.log(`machine: ${machine()}; load average ${load}`);
console.log(`\nparse + write ${CUES.toLocaleString('en-US')} cues (median of ${ROUNDS} interleaved rounds)`);
const ratio = (f: 'srt' | 'webvtt', k: keyof Timing): number =>
  (results[f].peer?.[k] ?? 0) / (results[f].ours?.[k] ?? 1);
for (const [format, peer] of [
  ['srt', 'subtitle'],
  ['webvtt', 'webvtt-parser'],
  ['scc', undefined],
] as const) {
  const r = results[format] as Record<string, Timing>;
  const ours = r.ours as Timing;
  const theirs = r.peer;
  console.log(
    `  ${format.padEnd(7)} framewise ${ours.wallMs.toFixed(1).padStart(7)} ms wall ${ours.cpuMs.toFixed(1).padStart(7)} ms cpu` +
      (theirs === undefined || peer === undefined
        ? '   (no npm peer writes SCC)'
        : `   ${peer.padEnd(14)} ${theirs.wallMs.toFixed(1).padStart(7)} ms wall ${theirs.cpuMs.toFixed(1).padStart(7)} ms cpu   ×${(theirs.cpuMs / ours.cpuMs).toFixed(2)} cpu`),
  );
}
console.log(
  `\nretime ${CUES.toLocaleString('en-US')} cues through ${events.length} events: ${retime.ours?.wallMs.toFixed(2)} ms wall, ${retime.ours?.cpuMs.toFixed(2)} ms cpu` +
    ` (${report.track.cues.length} cues out, ${report.split.length} split, ${report.dropped.length} dropped)`,
);
console.log(
  JSON.stringify({
    bench: 'captions',
    cues: CUES,
    load,
    srt_ours_ms: results.srt.ours?.cpuMs,
    srt_peer_ms: results.srt.peer?.cpuMs,
    srt_ratio: ratio('srt', 'cpuMs'),
    webvtt_ours_ms: results.webvtt.ours?.cpuMs,
    webvtt_peer_ms: results.webvtt.peer?.cpuMs,
    webvtt_ratio: ratio('webvtt', 'cpuMs'),
    scc_ours_ms: results.scc.ours?.cpuMs,
    retime_ms: retime.ours?.cpuMs,
    retime_wall_ms: retime.ours?.wallMs,
  }),
);
