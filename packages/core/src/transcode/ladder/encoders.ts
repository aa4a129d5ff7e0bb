/**
 * Encoder arguments per planned rung and encoder: closed fixed GOPs aligned to the segment, no
 * scene-cut keyframes, VBV, colour tags, and HDR10 static metadata on HDR rungs.
 */
import type { ContentLightLevel, MasteringDisplay } from '../../assets/index.js';
import type { PlannedRung } from './plan.js';

/** x264/x265 speed presets. */
export type EncoderPreset =
  | 'ultrafast'
  | 'superfast'
  | 'veryfast'
  | 'faster'
  | 'fast'
  | 'medium'
  | 'slow'
  | 'slower'
  | 'veryslow';

/** HDR10 static metadata of the source, carried onto HDR10 rungs. */
export interface HdrMetadata {
  readonly masteringDisplay?: MasteringDisplay;
  readonly contentLightLevel?: ContentLightLevel;
}

/** x265's `master-display` string: chromaticities in 0.00002 units, luminance in 0.0001 cd/m². */
export function x265MasterDisplay(m: MasteringDisplay): string {
  const c = (p: { x: number; y: number }) => `(${Math.round(p.x * 50_000)},${Math.round(p.y * 50_000)})`;
  return `G${c(m.green)}B${c(m.blue)}R${c(m.red)}WP${c(m.whitePoint)}L(${Math.round(m.maxLuminance * 10_000)},${Math.round(m.minLuminance * 10_000)})`;
}

/** SVT-AV1's `mastering-display` string: chromaticities and luminance (cd/m²) as decimals. */
export function svtAv1MasterDisplay(m: MasteringDisplay): string {
  const n = (v: number) => String(Number(v.toFixed(5)));
  const c = (p: { x: number; y: number }) => `(${n(p.x)},${n(p.y)})`;
  return `G${c(m.green)}B${c(m.blue)}R${c(m.red)}WP${c(m.whitePoint)}L(${n(m.maxLuminance)},${n(m.minLuminance)})`;
}

function svtAv1Params(r: PlannedRung, gop: string, hdr: HdrMetadata): string {
  const params = [`keyint=${gop}`, 'scd=0'];
  if (r.dynamicRange === 'hdr10') {
    params.push('enable-hdr=1');
    if (hdr.masteringDisplay) params.push(`mastering-display=${svtAv1MasterDisplay(hdr.masteringDisplay)}`);
    if (hdr.contentLightLevel)
      params.push(`content-light=${hdr.contentLightLevel.maxCll},${hdr.contentLightLevel.maxFall}`);
  }
  return params.join(':');
}

/** ffmpeg colour tags of a rung (SDR: BT.709; HDR10: BT.2020 PQ; HLG: BT.2020 HLG). */
export function colourTags(r: Pick<PlannedRung, 'dynamicRange'>): string[] {
  const [primaries, transfer, matrix] =
    r.dynamicRange === 'hdr10'
      ? ['bt2020', 'smpte2084', 'bt2020nc']
      : r.dynamicRange === 'hlg'
        ? ['bt2020', 'arib-std-b67', 'bt2020nc']
        : ['bt709', 'bt709', 'bt709'];
  return ['-color_primaries', primaries, '-color_trc', transfer, '-colorspace', matrix, '-color_range', 'tv'];
}

function presetForSvt(preset: EncoderPreset): string {
  const order: EncoderPreset[] = [
    'veryslow',
    'slower',
    'slow',
    'medium',
    'fast',
    'faster',
    'veryfast',
    'superfast',
    'ultrafast',
  ];
  return String(Math.min(12, 4 + order.indexOf(preset)));
}

function x265Params(r: PlannedRung, gop: string, hdr: HdrMetadata): string {
  const params = [`keyint=${gop}`, `min-keyint=${gop}`, 'scenecut=0', 'open-gop=0', 'log-level=error'];
  if (r.dynamicRange !== 'sdr') {
    const transfer = r.dynamicRange === 'hdr10' ? 'smpte2084' : 'arib-std-b67';
    params.push(
      'colorprim=bt2020',
      `transfer=${transfer}`,
      'colormatrix=bt2020nc',
      'range=limited',
      'repeat-headers=1',
    );
  }
  if (r.dynamicRange === 'hdr10') {
    params.push('hdr10=1');
    if (hdr.masteringDisplay) params.push(`master-display=${x265MasterDisplay(hdr.masteringDisplay)}`);
    if (hdr.contentLightLevel) params.push(`max-cll=${hdr.contentLightLevel.maxCll},${hdr.contentLightLevel.maxFall}`);
  }
  return params.join(':');
}

/**
 * ffmpeg encoder arguments for one planned rung with its planned encoder (closed, fixed GOPs; no
 * scene-cut keyframes; colour tags; HDR10 mastering display and MaxCLL/MaxFALL through x265 and
 * SVT-AV1).
 */
export function videoEncoderArgs(
  r: PlannedRung,
  segmentSeconds: number,
  preset: EncoderPreset,
  hdr: HdrMetadata = {},
): string[] {
  const gop = String(r.gopFrames);
  const rate = ['-b:v', String(r.bitRate)];
  const vbv = ['-maxrate', String(r.maxRate), '-bufsize', String(r.bufferSize)];
  const keys = ['-g', gop, '-keyint_min', gop, '-force_key_frames', `expr:gte(t,n_forced*${segmentSeconds})`];
  const tail = [...colourTags(r), '-pix_fmt', r.pixelFormat];
  const encoder = r.encoder ?? { h264: 'libx264', hevc: 'libx265', av1: 'libsvtav1' }[r.codec];
  switch (encoder) {
    case 'libx264':
      return [
        '-c:v',
        'libx264',
        '-preset',
        preset,
        '-profile:v',
        'high',
        ...rate,
        ...vbv,
        ...keys,
        '-sc_threshold',
        '0',
        '-flags',
        '+cgop',
        ...tail,
      ];
    case 'libx265':
      return [
        '-c:v',
        'libx265',
        '-preset',
        preset,
        '-tag:v',
        'hvc1',
        ...rate,
        ...vbv,
        ...keys,
        '-x265-params',
        x265Params(r, gop, hdr),
        ...tail,
      ];
    case 'libsvtav1':
      // SVT-AV1 rate control takes the average bitrate; peak constraints are not set here.
      return [
        '-c:v',
        'libsvtav1',
        '-preset',
        presetForSvt(preset),
        ...rate,
        ...keys,
        '-svtav1-params',
        svtAv1Params(r, gop, hdr),
        ...tail,
      ];
    case 'libaom-av1':
      return ['-c:v', 'libaom-av1', '-cpu-used', '8', '-row-mt', '1', ...rate, ...vbv, ...keys, ...tail];
    case 'librav1e':
      return ['-c:v', 'librav1e', '-speed', '10', ...rate, ...keys, ...tail];
    default: {
      // Hardware and other encoders: rate control, GOP and tags ffmpeg maps for every encoder.
      const tag = r.codec === 'hevc' ? ['-tag:v', 'hvc1'] : [];
      return ['-c:v', encoder, ...tag, ...rate, ...vbv, ...keys, ...tail];
    }
  }
}
