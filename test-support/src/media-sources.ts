/**
 * Test sources for the media pipeline's harder cases: interlaced and telecined video, a rotated
 * variable-frame-rate phone clip, MPEG-2 with GOP timecode, Broadcast WAVE with a time reference,
 * ProRes 4444 with alpha, 5.1(side) audio. Small and short: CPU is scarce in tests.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ffmpegGenerate } from './media.js';

const run = promisify(execFile);

/**
 * True interlaced video: a 2×-rate progressive source woven into fields (`tinterlace`), MPEG-2
 * coded as interlaced with the given field order, in MPEG-TS (with a stereo AC-3 track).
 */
export function interlacedSource(
  output: string,
  options: { width?: number; height?: number; fieldRate?: number; fieldOrder?: 'tff' | 'bff'; seconds?: number } = {},
): Promise<string> {
  const { width = 720, height = 576, fieldRate = 50, fieldOrder = 'tff', seconds = 1 } = options;
  return ffmpegGenerate(
    output,
    [
      `testsrc2=size=${width}x${height}:rate=${fieldRate}:duration=${seconds}`,
      `sine=frequency=1000:sample_rate=48000:duration=${seconds}`,
    ],
    [
      '-vf',
      `tinterlace=mode=${fieldOrder === 'tff' ? 'interleave_top' : 'interleave_bottom'},setfield=${fieldOrder}`,
      '-c:v',
      'mpeg2video',
      '-b:v',
      '8M',
      '-flags',
      '+ilme+ildct',
      '-top',
      fieldOrder === 'tff' ? '1' : '0',
      '-c:a',
      'ac3',
      '-b:a',
      '192k',
      '-f',
      'mpegts',
    ],
  );
}

/** 23.976 film telecined 3:2 to 29.97 (`telecine=pattern=23`), coded as interlaced MPEG-2. */
export function telecinedSource(output: string, seconds = 2, width = 720, height = 480): Promise<string> {
  return ffmpegGenerate(
    output,
    [`testsrc2=size=${width}x${height}:rate=24000/1001:duration=${seconds}`],
    [
      '-vf',
      'telecine=first_field=top:pattern=23,setfield=tff',
      '-c:v',
      'mpeg2video',
      '-b:v',
      '8M',
      '-flags',
      '+ilme+ildct',
      '-top',
      '1',
      '-f',
      'mpegts',
    ],
  );
}

/**
 * A phone-like clip: H.264 at a variable frame rate (every fifth frame of 30 fps dropped, so frame
 * durations alternate) and a display matrix turning it by 90° (coded `width`×`height`, shown
 * portrait).
 */
export async function rotatedVfrPhoneClip(output: string, width = 320, height = 180, seconds = 2): Promise<string> {
  const coded = `${output}.coded.mp4`;
  await ffmpegGenerate(
    coded,
    [`testsrc2=size=${width}x${height}:rate=30:duration=${seconds}`],
    [
      '-vf',
      "select='not(eq(mod(n\\,5)\\,2))'",
      '-vsync',
      'vfr',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
    ],
  );
  // ffmpeg 5.1 writes a display matrix from the rotate tag only when copying the stream.
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    coded,
    '-c',
    'copy',
    '-metadata:s:v:0',
    'rotate=90',
    output,
  ]);
  await run('rm', ['-f', coded]);
  return output;
}

/** An MPEG-2 video elementary stream whose GOP headers carry `timecode` (no container timecode). */
export function mpeg2WithGopTimecode(output: string, timecode = '01:02:03:04', seconds = 1): Promise<string> {
  return ffmpegGenerate(
    output,
    [`testsrc2=size=320x240:rate=25:duration=${seconds}`],
    ['-c:v', 'mpeg2video', '-timecode', timecode, '-f', 'mpeg2video'],
  );
}

/** A Broadcast WAVE file (24-bit, 48 kHz) with a `bext` time reference in samples since midnight. */
export function bwfWithTimeReference(output: string, timeReference: number, seconds = 1): Promise<string> {
  return ffmpegGenerate(
    output,
    [`sine=frequency=1000:sample_rate=48000:duration=${seconds}`],
    ['-c:a', 'pcm_s24le', '-write_bext', '1', '-metadata', `time_reference=${timeReference}`, '-f', 'wav'],
  );
}

/** ProRes 4444 with an alpha channel (`yuva444p10le`) in a MOV. */
export function prores4444Alpha(output: string, seconds = 1): Promise<string> {
  return ffmpegGenerate(
    output,
    [`testsrc2=size=320x240:rate=25:duration=${seconds},format=yuva444p10le`],
    ['-c:v', 'prores_ks', '-profile:v', '4', '-pix_fmt', 'yuva444p10le', '-alpha_bits', '16'],
  );
}

/** A 5.1(side) PCM track (L R C LFE Ls Rs on the side positions) in a MOV, beside a 5.1(back) one. */
export function surroundSideAndBack(output: string, seconds = 1): Promise<string> {
  return ffmpegGenerate(
    output,
    [
      `sine=frequency=500:sample_rate=48000:duration=${seconds}`,
      `sine=frequency=700:sample_rate=48000:duration=${seconds}`,
    ],
    [
      '-filter_complex',
      '[0:a]aformat=channel_layouts=5.1(side)[a];[1:a]aformat=channel_layouts=5.1[b]',
      '-map',
      '[a]',
      '-map',
      '[b]',
      '-c:a',
      'pcm_s16le',
      '-f',
      'mov',
    ],
  );
}
