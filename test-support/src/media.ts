import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Make a test file with ffmpeg's lavfi sources; `args` go between the inputs and the output. */
export async function ffmpegGenerate(
  output: string,
  inputs: readonly string[],
  args: readonly string[],
): Promise<string> {
  const argv = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  for (const input of inputs) argv.push('-f', 'lavfi', '-i', input);
  await run('ffmpeg', [...argv, ...args, output], { maxBuffer: 16 * 1024 * 1024 });
  return output;
}

/** A 1080p25 H.264 MP4 with timecode 10:00:00:00, English stereo and French 5.1 AAC. */
export function h264WithTwoAudioTracks(output: string, seconds = 2): Promise<string> {
  return ffmpegGenerate(
    output,
    [
      `testsrc2=size=1920x1080:rate=25:duration=${seconds}`,
      `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
      `sine=frequency=220:sample_rate=48000:duration=${seconds}`,
    ],
    [
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-map',
      '2:a',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-colorspace',
      'bt709',
      '-color_primaries',
      'bt709',
      '-color_trc',
      'bt709',
      '-color_range',
      'tv',
      '-c:a',
      'aac',
      '-b:a',
      '128k',
      '-ac:a:0',
      '2',
      '-ac:a:1',
      '6',
      '-metadata:s:a:0',
      'language=eng',
      '-metadata:s:a:1',
      'language=fre',
      '-timecode',
      '10:00:00:00',
    ],
  );
}

/** A 29.97 DF ProRes 422 HQ MOV, 10-bit 4:2:2, flagged interlaced top field first, timecode 01:00:00;00. */
export function proresDropFrame(output: string, seconds = 1): Promise<string> {
  return ffmpegGenerate(
    output,
    [`smptehdbars=size=1920x1080:rate=30000/1001:duration=${seconds}`],
    [
      '-c:v',
      'prores_ks',
      '-profile:v',
      '3',
      '-pix_fmt',
      'yuv422p10le',
      '-flags',
      '+ilme+ildct',
      '-field_order',
      'tt',
      '-timecode',
      '01:00:00;00',
    ],
  );
}

/** A 10-bit HEVC file tagged as HDR10 (BT.2020, PQ). */
export function hevcHdr10(output: string, seconds = 1): Promise<string> {
  return ffmpegGenerate(
    output,
    [`testsrc2=size=1280x720:rate=24:duration=${seconds}`],
    [
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p10le',
      '-x265-params',
      'log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400',
      '-color_primaries',
      'bt2020',
      '-color_trc',
      'smpte2084',
      '-colorspace',
      'bt2020nc',
      '-tag:v',
      'hvc1',
    ],
  );
}

/** An MXF OP1a with MPEG-2 video at 25 fps and timecode 10:00:00:00. */
export function mxfOp1a(output: string, seconds = 1): Promise<string> {
  return ffmpegGenerate(
    output,
    [
      `testsrc2=size=1920x1080:rate=25:duration=${seconds}`,
      `anullsrc=channel_layout=stereo:sample_rate=48000:duration=${seconds}`,
    ],
    [
      '-c:v',
      'mpeg2video',
      '-b:v',
      '20M',
      '-pix_fmt',
      'yuv422p',
      '-c:a',
      'pcm_s24le',
      '-timecode',
      '10:00:00:00',
      '-f',
      'mxf',
    ],
  );
}
