/**
 * `pnpm bench timecode`: frames → label and label → frames at 29.97 DF, Framewise against the npm
 * package smpte-timecode in the same run. Also counts the labels on which the two disagree over a
 * whole drop-frame day (Framewise's labels are checked against SMPTE rules in its test suite).
 */
import { FrameRate, Timecode } from '@framewise/core/time';
import SmpteTimecode from 'smpte-timecode';
import { consume, machine, measure, printTable } from './harness.js';

const rate = FrameRate.FPS_29_97_DF;
const day = rate.framesPerDay;
const COUNT = 200_000;

// A fixed pseudo-random workload spread over the whole day (same for both libraries).
let seed = 0x2545f491;
const frames = Array.from({ length: COUNT }, () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed % day;
});
const labels = frames.map((f) => Timecode.fromFrames(f, rate).toString());

const oursFormat = measure('framewise  frames→label', COUNT, () => {
  let n = 0;
  for (const f of frames) n += Timecode.fromFrames(f, rate).toString().length;
  consume(n);
});
const peerFormat = measure('smpte-timecode frames→label', COUNT, () => {
  let n = 0;
  for (const f of frames) n += SmpteTimecode(f, 29.97, true).toString().length;
  consume(n);
});
const oursParse = measure('framewise  label→frames', COUNT, () => {
  let n = 0;
  for (const l of labels) n += Timecode.parse(l, rate).frames;
  consume(n);
});
const peerParse = measure('smpte-timecode label→frames', COUNT, () => {
  let n = 0;
  for (const l of labels) n += SmpteTimecode(l, 29.97, true).frameCount;
  consume(n);
});

// Correctness side by side over one whole drop-frame day.
let disagreements = 0;
let firstDisagreement = '';
for (let f = 0; f < day; f++) {
  const ours = Timecode.fromFrames(f, rate).toString();
  const peer = SmpteTimecode(f, 29.97, true).toString();
  if (ours !== peer) {
    disagreements++;
    if (firstDisagreement === '') firstDisagreement = `frame ${f}: framewise ${ours}, smpte-timecode ${peer}`;
  }
}

console.log(`machine: ${machine()}`);
printTable('Timecode at 29.97 DF (200k random frames over a day, median of 9 rounds)', [
  oursFormat,
  peerFormat,
  oursParse,
  peerParse,
]);
const formatRatio = oursFormat.opsPerSecond / peerFormat.opsPerSecond;
const parseRatio = oursParse.opsPerSecond / peerParse.opsPerSecond;
console.log(`\n  frames→label: ${formatRatio.toFixed(1)}× smpte-timecode; label→frames: ${parseRatio.toFixed(1)}×`);
console.log(
  `  labels that differ over a whole DF day: ${disagreements}${firstDisagreement ? ` (first: ${firstDisagreement})` : ''}`,
);
console.log(
  JSON.stringify({
    bench: 'timecode',
    ours_format_ops: Math.round(oursFormat.opsPerSecond),
    peer_format_ops: Math.round(peerFormat.opsPerSecond),
    format_ratio: Number(formatRatio.toFixed(2)),
    ours_parse_ops: Math.round(oursParse.opsPerSecond),
    peer_parse_ops: Math.round(peerParse.opsPerSecond),
    parse_ratio: Number(parseRatio.toFixed(2)),
    label_disagreements_per_day: disagreements,
  }),
);
