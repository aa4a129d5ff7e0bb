/**
 * Probe fields ffprobe's stream summary does not give directly: HDR10 static metadata from frame
 * side data, display rotation, variable frame rate from packet timestamps, the MPEG-2 GOP header
 * timecode and the BWF time reference as a timecode.
 */
import type { ContentLightLevel, MasteringDisplay } from '../../assets/index.js';
import { type FrameRate, Timecode } from '../../time/index.js';

type SideData = Readonly<Record<string, unknown>>;

/** `"34000/50000"` or a number → the value, or undefined. */
function ratio(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const [a, b = '1'] = value.split('/');
  const n = Number(a);
  const d = Number(b);
  return Number.isFinite(n) && Number.isFinite(d) && d !== 0 ? n / d : undefined;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The SMPTE ST 2086 mastering display of ffprobe's "Mastering display metadata" side data. */
export function masteringDisplayOf(sideData: readonly SideData[]): MasteringDisplay | undefined {
  const d = sideData.find((s) => s.side_data_type === 'Mastering display metadata');
  if (d === undefined) return undefined;
  const xy = (key: string) => {
    const x = ratio(d[`${key}_x`]);
    const y = ratio(d[`${key}_y`]);
    return x === undefined || y === undefined || x < 0 || x > 1 || y < 0 || y > 1
      ? undefined
      : { x: round(x, 5), y: round(y, 5) };
  };
  const red = xy('red');
  const green = xy('green');
  const blue = xy('blue');
  const whitePoint = xy('white_point');
  const minLuminance = ratio(d.min_luminance);
  const maxLuminance = ratio(d.max_luminance);
  if (!red || !green || !blue || !whitePoint || minLuminance === undefined || maxLuminance === undefined)
    return undefined;
  if (minLuminance < 0 || maxLuminance <= 0 || maxLuminance > 10_000 || minLuminance > maxLuminance) return undefined;
  return { red, green, blue, whitePoint, minLuminance: round(minLuminance, 4), maxLuminance: round(maxLuminance, 4) };
}

/** The CTA-861.3 content light level of ffprobe's "Content light level metadata" side data. */
export function contentLightLevelOf(sideData: readonly SideData[]): ContentLightLevel | undefined {
  const d = sideData.find((s) => s.side_data_type === 'Content light level metadata');
  const maxCll = ratio(d?.max_content);
  const maxFall = ratio(d?.max_average);
  if (maxCll === undefined || maxFall === undefined) return undefined;
  if (!Number.isInteger(maxCll) || !Number.isInteger(maxFall) || maxCll < 0 || maxFall < 0) return undefined;
  if (maxCll > 65_535 || maxFall > 65_535) return undefined;
  return { maxCll, maxFall };
}

/**
 * Display rotation in degrees clockwise (0, 90, 180, 270) from the stream's display matrix
 * (ffprobe reports it counter-clockwise as `rotation`) or an old-style `rotate` tag.
 */
export function rotationOf(sideData: readonly SideData[], tags?: Readonly<Record<string, string>>): 0 | 90 | 180 | 270 {
  const matrix = sideData.find((s) => s.side_data_type === 'Display Matrix');
  const ccw = ratio(matrix?.rotation);
  const degrees = ccw !== undefined ? -ccw : ratio(tags?.rotate);
  if (degrees === undefined) return 0;
  const quarter = Math.round(degrees / 90);
  return ((((quarter % 4) + 4) % 4) * 90) as 0 | 90 | 180 | 270;
}

/**
 * Whether frame durations vary: the sorted presentation timestamps of the first packets are
 * differenced; more than 5 % of the intervals off the median by more than 10 % (and more than one
 * tick) means variable frame rate. Needs at least 8 packets; fewer say nothing.
 */
export function isVariableFrameRate(pts: readonly number[]): boolean | undefined {
  const sorted = pts.filter((p) => Number.isFinite(p)).sort((a, b) => a - b);
  if (sorted.length < 8) return undefined;
  const deltas: number[] = [];
  for (let i = 1; i < sorted.length; i++) deltas.push((sorted[i] as number) - (sorted[i - 1] as number));
  const median = [...deltas].sort((a, b) => a - b)[Math.floor(deltas.length / 2)] as number;
  if (median <= 0) return undefined;
  const off = deltas.filter((d) => Math.abs(d - median) > Math.max(1, median * 0.1)).length;
  return off > deltas.length * 0.05;
}

/**
 * The time code of the first MPEG-2 video GOP header (start code `00 00 01 B8`) in the first bytes
 * of a file: `HH:MM:SS:FF`, with `;` before the frames when its drop-frame flag is set. Works on
 * elementary streams and on program/transport streams and MXF whose first GOP header is not split.
 */
export function mpeg2GopTimecode(bytes: Uint8Array): string | undefined {
  for (let i = 0; i + 7 < bytes.length; i++) {
    if (bytes[i] !== 0 || bytes[i + 1] !== 0 || bytes[i + 2] !== 1 || bytes[i + 3] !== 0xb8) continue;
    const b =
      (bytes[i + 4] as number) * 2 ** 24 + (bytes[i + 5] as number) * 2 ** 16 + (bytes[i + 6] as number) * 2 ** 8;
    const bits = (from: number, n: number) => Math.floor(b / 2 ** (32 - from - n)) % 2 ** n;
    const drop = bits(0, 1) === 1;
    const hours = bits(1, 5);
    const minutes = bits(6, 6);
    const marker = bits(12, 1);
    const seconds = bits(13, 6);
    const frames = bits(19, 6);
    if (marker !== 1 || hours > 23 || minutes > 59 || seconds > 59 || frames > 59) continue;
    const two = (n: number) => String(n).padStart(2, '0');
    return `${two(hours)}:${two(minutes)}:${two(seconds)}${drop ? ';' : ':'}${two(frames)}`;
  }
  return undefined;
}

/**
 * A Broadcast WAVE time reference (samples since midnight) as a timecode at `rate`: the frame that
 * contains the first sample (whole frames, wrapping at 24 h).
 */
export function bwfTimecode(
  timeReference: string | undefined,
  sampleRate: number,
  rate: FrameRate,
): string | undefined {
  if (timeReference === undefined || !/^\d{1,20}$/.test(timeReference) || !(sampleRate > 0)) return undefined;
  const samples = BigInt(timeReference);
  const frames = Number((samples * BigInt(rate.num)) / (BigInt(sampleRate) * BigInt(rate.den)));
  try {
    return Timecode.fromFrames(frames, rate, { overflow: 'wrap' }).toString();
  } catch {
    return undefined;
  }
}
