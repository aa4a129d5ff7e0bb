/**
 * Demo step 1, frame-accurate time: convert a broadcast rundown from 25 fps to 29.97 drop-frame,
 * and find where an ad break lands after a compliance edit.
 */
import { EditList, FrameRate, Timecode, TimeRange } from '@framewise/core/time';
import { heading, note, table } from '../print.js';

const PAL = FrameRate.FPS_25;
const NTSC_DF = FrameRate.parse('29.97df');

/** A rundown as a UK broadcaster's traffic system exports it: item names and durations at 25 fps. */
const RUNDOWN: readonly (readonly [string, string])[] = [
  ['Cold open', '00:01:30:00'],
  ['Titles', '00:00:20:12'],
  ['Part 1', '00:11:42:08'],
  ['Break 1', '00:02:30:00'],
  ['Part 2', '00:12:05:17'],
  ['Break 2', '00:02:30:00'],
  ['Part 3', '00:09:58:21'],
  ['Credits', '00:00:45:03'],
];

function convertRundown(): void {
  heading('Time: a 25 fps rundown for a 29.97 drop-frame broadcast');
  const programmeStart25 = Timecode.parse('10:00:00:00', PAL);
  const programmeStartDf = Timecode.parse('10:00:00;00', NTSC_DF);
  let at = 0;
  const rows: string[][] = [];
  for (const [name, durationLabel] of RUNDOWN) {
    const duration = Timecode.parse(durationLabel, PAL).frames;
    const item = TimeRange.of(at, duration, PAL);
    // Positions are converted relative to the programme start; 'nearest' keeps items back to back.
    const converted = item.toRate(NTSC_DF);
    rows.push([
      name,
      programmeStart25.add(item.start).toString(),
      durationLabel,
      programmeStartDf.add(converted.start).toString(),
      Timecode.fromFrames(converted.duration, NTSC_DF).toString(),
      String(converted.duration),
    ]);
    at = item.end;
  }
  table(['item', 'in @25', 'duration @25', 'in @29.97df', 'duration @29.97df', 'frames'], rows);
  const total25 = TimeRange.of(0, at, PAL);
  const totalDf = total25.toRate(NTSC_DF);
  note(
    `total ${Timecode.fromFrames(total25.duration, PAL).toString()} @25 = ${Timecode.fromFrames(totalDf.duration, NTSC_DF).toString()} @29.97df (${totalDf.duration} frames, no gaps, no overlaps)`,
  );
  const minuteEdge = Timecode.parse('00:00:59;29', NTSC_DF);
  note(`drop-frame skips two labels each minute: ${minuteEdge.toString()} + 1 frame = ${minuteEdge.add(1).toString()}`);
  try {
    Timecode.parse('00:01:00;00', NTSC_DF);
  } catch (error) {
    note(`and refuses labels that do not exist: ${(error as Error).message}`);
  }
}

function adBreakAfterEdit(): void {
  heading('Time: where does the ad break land after a compliance edit?');
  const master = 'EP104-master';
  const tc = (label: string) => Timecode.parse(label, PAL).frames;
  // The compliance edit removes two scenes (03:10:00-03:42:15 and 09:00:00-09:12:00).
  const edit = EditList.of(PAL, [
    { source: master, start: 0, duration: tc('00:03:10:00') },
    { source: master, start: tc('00:03:42:15'), duration: tc('00:09:00:00') - tc('00:03:42:15') },
    { source: master, start: tc('00:09:12:00'), duration: tc('00:22:30:00') - tc('00:09:12:00') },
  ]);
  const breakPoint = TimeRange.of(tc('00:14:05:10'), 0, PAL);
  const landed = edit.mapRange(master, breakPoint);
  const at = landed.pieces[0]?.record.start;
  note(
    `edit: ${edit.events.length} events, ${Timecode.fromFrames(edit.duration, PAL).toString()} long (master 00:22:30:00)`,
  );
  note(
    `ad break at ${Timecode.fromFrames(breakPoint.start, PAL).toString()} on the master lands at ${at === undefined ? 'nowhere (cut)' : Timecode.fromFrames(at, PAL).toString()} on the edit`,
  );
  const scene = TimeRange.between(tc('00:08:40:00'), tc('00:09:30:00'), PAL);
  const carried = edit.mapRange(master, scene);
  note(
    `segment ${scene.toString()} spans a cut: ${carried.split ? 'split' : 'kept whole'} into ${carried.pieces.map((p) => p.record.toString()).join(' and ')}; cut ${carried.cut.map((c) => c.toString()).join(', ')}`,
  );
}

/** Run the time step. */
export function runTimeStep(): void {
  convertRundown();
  adBreakAfterEdit();
}
