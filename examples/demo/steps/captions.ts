/**
 * Demo step, captions: import the episode's SCC (CEA-608) captions, convert them to WebVTT,
 * carry them through the compliance edit (a cue split at a cut, a cue in removed material
 * dropped), and check them against the FCC-style caption profile.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CaptionCue,
  checkCaptions,
  cueText,
  EditList,
  FCC_608_CAPTIONS,
  readScc,
  retimeCaptions,
  Timecode,
  writeWebVtt,
} from '@framewise/core';
import { heading, note, table } from '../print.js';

/** What the step found, for the demo's test. */
export interface CaptionsStepResult {
  readonly cues: number;
  readonly split: number;
  readonly dropped: number;
  readonly findings: number;
}

/** Run the captions step on the episode's SCC file (examples/demo/data). */
export function runCaptionsStep(episode: string): CaptionsStepResult {
  heading('Captions: SCC → WebVTT, through the compliance edit, caption QC');
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', `${episode}-en.scc`);
  const { track, issues } = readScc(readFileSync(file, 'utf8'), { language: 'en-US', kind: 'captions' });
  const rate = track.rate;
  const tc = (frame: number): string => Timecode.fromFrames(frame, rate).toString();
  note(`${episode}-en.scc: ${track.cues.length} cues at ${rate.toString()}, ${issues.length} reader issue(s)`);
  table(
    ['in', 'out', 'mode', 'text'],
    track.cues.map((c) => [tc(c.begin), tc(c.end), c.cea608?.mode ?? '', cueText(c).replace(/\n/g, ' / ')]),
  );

  // WebVTT has no 608 cells or modes: the writer refuses unless told to degrade, then lists them.
  const vtt = writeWebVtt(track, { degrade: true });
  const dropped = new Set(vtt.losses.map((l) => l.code));
  note(`WebVTT: ${vtt.text.split('\n').length} lines; dropped explicitly: ${[...dropped].join(', ')}`);

  // The compliance edit: two cuts, 01:00:08;00-01:00:09;00 and 01:00:10;00-01:00:12;00.
  const at = (label: string): number => Timecode.parse(label, rate).frames;
  const start = at('01:00:00;00');
  const kept = [
    ['01:00:00;00', '01:00:08;00'],
    ['01:00:09;00', '01:00:10;00'],
    ['01:00:12;00', '01:00:30;00'],
  ] as const;
  const edit = EditList.of(
    rate,
    kept.map(([from, to]) => ({ source: 'master', start: at(from), duration: at(to) - at(from) })),
    { recordStart: start },
  );
  const retimed = retimeCaptions(track, edit, { source: 'master' });
  note('compliance edit cuts 01:00:08;00-01:00:09;00 and 01:00:10;00-01:00:12;00:');
  const flat = (cue: CaptionCue): string => cueText(cue).replace(/\n/g, ' / ');
  for (const i of retimed.split) note(`  split at the cut: "${flat(track.cues[i] as CaptionCue)}"`);
  for (const d of retimed.dropped)
    note(`  dropped (in removed material): "${flat(d.cue)}" ${tc(d.cue.begin)}-${tc(d.cue.end)}`);
  for (const s of retimed.short)
    note(
      `  shortened below ${Math.ceil((rate.num * 5) / (rate.den * 6))} frames: cue ${s.index + 1} now ${s.duration} frames`,
    );
  table(
    ['in', 'out', 'text'],
    retimed.track.cues.map((c) => [tc(c.begin), tc(c.end), cueText(c).replace(/\n/g, ' / ')]),
  );

  const findings = checkCaptions(retimed.track, FCC_608_CAPTIONS, { programme: { start, end: start + edit.duration } });
  note(`caption QC (${FCC_608_CAPTIONS.id}): ${findings.length} finding(s)`);
  for (const f of findings) note(`  ${f.severity} ${f.rule} ${f.timecodeIn}-${f.timecodeOut}: ${f.message}`);
  return {
    cues: retimed.track.cues.length,
    split: retimed.split.length,
    dropped: retimed.dropped.length,
    findings: findings.length,
  };
}
