import { AudioRoleSchema, ChannelLayoutSchema, type TechnicalMetadataInput } from '@framewise/core/assets';
import type { FrameRateJson } from '@framewise/core/time';
import type { XmlElement } from '../xml/parser.js';
import type { XmlQuery } from '../xml/query.js';
import { isoDurationSeconds, rateFromParts, timecodeFrames } from '../xml/time.js';
import { EBUCORE_NS as NS } from './names.js';
import type { EbuCoreProducer } from './open.js';

type VideoInput = TechnicalMetadataInput['video'] extends (infer T)[] | undefined ? T : never;
type AudioInput = TechnicalMetadataInput['audio'] extends (infer T)[] | undefined ? T : never;

/** What the technical part of an EBUCore `format` element says. */
export interface EbuCoreTechnical {
  /** Technical metadata in Framewise's model (ffprobe codec and container names). */
  readonly essence: TechnicalMetadataInput | undefined;
  /** The timeline's exact rate, from the start timecode or edit units, else the video track. */
  readonly rate: FrameRateJson | undefined;
  /** Length in frames: edit units, else a timecode duration, else normal play time × rate. */
  readonly durationFrames: number | undefined;
  /** Timecode of the first frame. */
  readonly startTimecode: string | undefined;
}

// MediaInfo's format names → the ffprobe codec names Framewise uses elsewhere.
const VIDEO_CODECS: Readonly<Record<string, string>> = {
  AVC: 'h264',
  HEVC: 'hevc',
  ProRes: 'prores',
  'VC-3': 'dnxhd',
  AV1: 'av1',
  VP9: 'vp9',
  VP8: 'vp8',
  'JPEG 2000': 'jpeg2000',
  FFV1: 'ffv1',
  'VC-1': 'vc1',
};
const AUDIO_CODECS: Readonly<Record<string, string>> = {
  AAC: 'aac',
  'AC-3': 'ac3',
  'E-AC-3': 'eac3',
  Opus: 'opus',
  FLAC: 'flac',
  'Dolby E': 'dolby_e',
};
const LAYOUTS: ReadonlySet<string> = new Set(ChannelLayoutSchema.options);
const CHANNEL_LAYOUTS: Readonly<Record<number, string>> = { 1: 'mono', 2: 'stereo', 6: '5.1', 8: '7.1' };
const ROLES: ReadonlySet<string> = new Set(AudioRoleSchema.options);

/**
 * Read the technical description in a `format` element: Framewise's own (codec names as written)
 * or a third party's such as MediaInfo's `--Output=EBUCore` (format names mapped to ffprobe's).
 */
export function readTechnical(
  q: XmlQuery,
  format: XmlElement,
  producer: EbuCoreProducer,
  fallbackRate?: FrameRateJson,
): EbuCoreTechnical {
  const ownDocument = producer === 'framewise';
  const attrs = technicalAttributes(q, format);
  const rate = timelineRate(q, format);
  const video = q.all(format, NS, 'videoFormat').map((v) => readVideo(q, v, producer, rate, fallbackRate));
  const audio = q.all(format, NS, 'audioFormat').map((a, i) => readAudio(q, a, producer, i));
  const container = q.first(format, NS, 'containerFormat');
  const containerAttrs =
    container === undefined ? new Map<string, string>() : technicalAttributes(q, container, !ownDocument);
  const startTimecode = startOf(q, format) ?? timecodeFormatStart(q, format);
  // Third-party documents (MediaInfo) flag drop-frame only by the start timecode's ";".
  if (!ownDocument && startTimecode?.includes(';')) {
    for (const track of video) {
      const r = track.frameRate;
      if (r.den === 1001 && (r.num === 30000 || r.num === 60000)) track.frameRate = { ...r, dropFrame: true };
    }
  }
  const trackRate = video[0]?.frameRate;
  const effectiveRate = rate ?? trackRate ?? fallbackRate;
  const durationFrames = effectiveRate === undefined ? undefined : durationOf(q, format, effectiveRate);
  const fileSize = q.int(format, q.childText(format, NS, 'fileSize'), 'fileSize');
  const overall = attrs.get('OverallBitRate');
  const hasEssence = container !== undefined || video.length > 0 || audio.length > 0;
  const essence: TechnicalMetadataInput | undefined = hasEssence
    ? {
        container: containerName(q, container, containerAttrs, producer),
        ...optional(
          'operationalPattern',
          operationalPattern(containerAttrs.get('FormatProfile')) ??
            (producer === 'other' ? operationalPatternIn(container?.attributes.get('containerFormatName')) : undefined),
        ),
        ...optional(
          'durationFrames',
          ownDocument ? int(q, format, attrs.get('EssenceDurationFrames')) : durationFrames,
        ),
        ...optional('startTimecode', ownDocument ? attrs.get('EssenceStartTimecode') : startTimecode),
        ...optional('sizeBytes', fileSize),
        ...optional('bitRate', int(q, format, overall)),
        video,
        audio,
      }
    : undefined;
  return {
    essence,
    rate: effectiveRate,
    durationFrames,
    startTimecode,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function int(q: XmlQuery, at: XmlElement, value: string | undefined): number | undefined {
  return q.int(at, value, 'technical attribute');
}

function bool(q: XmlQuery, at: XmlElement, value: string | undefined): boolean | undefined {
  return q.bool(at, value, 'technical attribute');
}

const DECIMAL = String.raw`(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)`;
const MASTERING_DISPLAY = new RegExp(
  `^R\\(${DECIMAL},${DECIMAL}\\) G\\(${DECIMAL},${DECIMAL}\\) B\\(${DECIMAL},${DECIMAL}\\) WP\\(${DECIMAL},${DECIMAL}\\) L\\(${DECIMAL},${DECIMAL}\\)$`,
);

/** `MasteringDisplay` as Framewise writes it: `R(x,y) G(x,y) B(x,y) WP(x,y) L(max,min)`. */
function masteringDisplay(
  q: XmlQuery,
  at: XmlElement,
  value: string | undefined,
): VideoInput['masteringDisplay'] | undefined {
  if (value === undefined) return undefined;
  const m = MASTERING_DISPLAY.exec(value.trim());
  if (m === null)
    return q.fail(at, `MasteringDisplay ${JSON.stringify(value)} is not R(x,y) G(x,y) B(x,y) WP(x,y) L(max,min)`);
  const n = m.slice(1).map(Number);
  const xy = (i: number) => ({ x: n[i] as number, y: n[i + 1] as number });
  return {
    red: xy(0),
    green: xy(2),
    blue: xy(4),
    whitePoint: xy(6),
    maxLuminance: n[8] as number,
    minLuminance: n[9] as number,
  };
}

function contentLightLevel(
  q: XmlQuery,
  at: XmlElement,
  attrs: Map<string, string>,
): VideoInput['contentLightLevel'] | undefined {
  const maxCll = int(q, at, attrs.get('MaxCLL'));
  const maxFall = int(q, at, attrs.get('MaxFALL'));
  return maxCll === undefined || maxFall === undefined ? undefined : { maxCll, maxFall };
}

/**
 * technicalAttribute* children by type label (and `comment`s, where MediaInfo's EBUCore 1.5
 * output puts a container's `FormatProfile`).
 */
function technicalAttributes(q: XmlQuery, el: XmlElement, comments = false): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of el.children) {
    if (c.ns !== NS || !(c.name.startsWith('technicalAttribute') || (comments && c.name === 'comment'))) continue;
    const label = c.attributes.get('typeLabel');
    if (label !== undefined && !out.has(label)) out.set(label, q.text(c));
  }
  return out;
}

/** The exact rate from a timecode's or edit unit's attributes. */
function rateOfElement(q: XmlQuery, el: XmlElement, rateAttr: string): FrameRateJson | undefined {
  const base = q.int(el, el.attributes.get(rateAttr), rateAttr);
  if (base === undefined || base <= 0) return undefined;
  const num = q.int(el, el.attributes.get('factorNumerator'), 'factorNumerator') ?? 1;
  const den = q.int(el, el.attributes.get('factorDenominator'), 'factorDenominator') ?? 1;
  const text = q.text(el);
  const drop = q.bool(el, el.attributes.get('dropframe'), 'dropframe') ?? text.includes(';');
  try {
    return rateFromParts(base, num, den, drop && (base === 30 || base === 60) && den === 1001).toJSON();
  } catch (cause) {
    return q.fail(el, `rate ${base}×${num}/${den} is not a valid frame rate`, { cause });
  }
}

function timelineRate(q: XmlQuery, format: XmlElement): FrameRateJson | undefined {
  const tc = startTimecodeElement(q, format);
  if (tc !== undefined) {
    const r = rateOfElement(q, tc, 'editRate');
    if (r !== undefined) return r;
  }
  for (const d of q.all(format, NS, 'duration')) {
    const eu = q.first(d, NS, 'editUnitNumber');
    if (eu !== undefined) {
      const r = rateOfElement(q, eu, 'editRate');
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

function startTimecodeElement(q: XmlQuery, format: XmlElement): XmlElement | undefined {
  const start = q.first(format, NS, 'start');
  return start === undefined ? undefined : q.first(start, NS, 'timecode');
}

function startOf(q: XmlQuery, format: XmlElement): string | undefined {
  const tc = startTimecodeElement(q, format);
  return tc === undefined ? undefined : q.text(tc);
}

function timecodeFormatStart(q: XmlQuery, format: XmlElement): string | undefined {
  for (const tf of q.all(format, NS, 'timecodeFormat')) {
    const start = q.first(tf, NS, 'timecodeStart');
    const tc = start === undefined ? undefined : q.childText(start, NS, 'timecode');
    if (tc !== undefined) return tc;
  }
  return undefined;
}

function durationOf(q: XmlQuery, format: XmlElement, rate: FrameRateJson): number | undefined {
  const durations = q.all(format, NS, 'duration');
  for (const d of durations) {
    const eu = q.first(d, NS, 'editUnitNumber');
    if (eu !== undefined) return q.int(eu, q.text(eu), 'editUnitNumber');
  }
  for (const d of durations) {
    const tc = q.first(d, NS, 'timecode');
    if (tc !== undefined) {
      try {
        return timecodeFrames(q.text(tc), rate);
      } catch (cause) {
        q.fail(tc, `duration timecode ${JSON.stringify(q.text(tc))} is not valid at ${rate.num}/${rate.den}`, {
          cause,
        });
      }
    }
  }
  for (const d of durations) {
    const npt = q.first(d, NS, 'normalPlayTime');
    if (npt !== undefined) {
      const seconds = isoDurationSeconds(q.text(npt));
      if (seconds === undefined) q.fail(npt, `normalPlayTime ${JSON.stringify(q.text(npt))} is not an xs:duration`);
      return Math.round((seconds * rate.num) / rate.den);
    }
  }
  return undefined;
}

function readVideo(
  q: XmlQuery,
  v: XmlElement,
  producer: EbuCoreProducer,
  timeline: FrameRateJson | undefined,
  fallbackRate: FrameRateJson | undefined,
): VideoInput {
  const own = producer === 'framewise';
  const attrs = technicalAttributes(q, v);
  const width = q.int(v, q.childText(v, NS, 'width'), 'width');
  const height = q.int(v, q.childText(v, NS, 'height'), 'height');
  const fr = q.first(v, NS, 'frameRate');
  if (width === undefined || height === undefined) q.fail(v, '<videoFormat> needs width and height');
  let frameRate: FrameRateJson;
  if (fr === undefined) {
    // MediaInfo leaves the frame rate out for some streams (an MPEG-TS it could not time).
    const known = own ? undefined : (timeline ?? fallbackRate);
    if (known === undefined) {
      return q.fail(v, '<videoFormat> has no frameRate; pass the rate option for a document that states none');
    }
    frameRate = known;
  } else {
    const base = q.int(fr, q.text(fr), 'frameRate') ?? 0;
    const num = q.int(fr, fr.attributes.get('factorNumerator'), 'factorNumerator') ?? 1;
    const den = q.int(fr, fr.attributes.get('factorDenominator'), 'factorDenominator') ?? 1;
    const drop = own ? attrs.get('DropFrame') === 'true' : (timeline?.dropFrame ?? false);
    try {
      frameRate = rateFromParts(base, num, den, drop).toJSON();
    } catch (cause) {
      return q.fail(fr, `frameRate ${base}×${num}/${den} is not a valid frame rate`, { cause });
    }
  }
  const codecName = q.first(v, NS, 'codec');
  const name = v.attributes.get('videoFormatName');
  const encoding = q.first(v, NS, 'videoEncoding');
  // MediaInfo writes the profile (and level) as the encoding's label: `High@L3.1`, `422 HQ`, `Main@High`.
  const encodingLabel = encoding?.attributes.get('typeLabel');
  const profiled = producer === 'mediainfo' && encodingLabel !== undefined ? splitProfile(encodingLabel) : undefined;
  const written = (codecName && q.childText(codecName, NS, 'name')) ?? encoding?.attributes.get('typeLabel');
  const codec = own
    ? (written ?? name ?? 'unknown')
    : producer === 'mediainfo'
      ? mediaInfoVideoCodec(name, v.attributes.get('videoFormatVersionId'))
      : genericCodec(written ?? name, VIDEO_CODECS);
  const aspect = (label: string): string | undefined => {
    const ar = q.all(v, NS, 'aspectRatio').find((a) => a.attributes.get('typeLabel') === label);
    if (ar === undefined) return undefined;
    const n = q.childText(ar, NS, 'factorNumerator');
    const d = q.childText(ar, NS, 'factorDenominator');
    return n !== undefined && d !== undefined && /^\d{1,5}$/.test(n) && /^\d{1,5}$/.test(d) ? `${n}:${d}` : undefined;
  };
  const scanning = q.childText(v, NS, 'scanningFormat');
  const order = q.childText(v, NS, 'scanningOrder');
  const scanType = attrs.get('ScanType') === 'psf' ? 'psf' : scanning === 'interlaced' ? 'interlaced' : 'progressive';
  const fieldOrder = order === 'top' ? 'tff' : order === 'bottom' ? 'bff' : undefined;
  const range = attrs.get('colour_range')?.toLowerCase();
  const colourRange: VideoInput['colourRange'] = range === 'limited' || range === 'full' ? range : undefined;
  const bitDepth = int(q, v, attrs.get('BitDepth'));
  const bitRate = q.int(v, q.childText(v, NS, 'bitRate'), 'bitRate');
  return {
    codec,
    ...optional(
      'profile',
      v.attributes.get('videoFormatProfile') ?? encoding?.attributes.get('videoEncodingProfile') ?? profiled?.profile,
    ),
    ...optional(
      'level',
      v.attributes.get('videoFormatProfileLevel') ?? encoding?.attributes.get('videoEncodingLevel') ?? profiled?.level,
    ),
    width,
    height,
    ...optional('displayAspectRatio', aspect('display')),
    ...optional('sampleAspectRatio', aspect('sample')),
    frameRate,
    ...(scanning === undefined ? {} : { scan: { type: scanType, ...optional('fieldOrder', fieldOrder) } }),
    ...optional('bitDepth', bitDepth),
    ...optional('chromaSubsampling', attrs.get('ChromaSubsampling') as VideoInput['chromaSubsampling']),
    ...optional('colourPrimaries', attrs.get('ColourPrimaries') as VideoInput['colourPrimaries']),
    ...optional('transfer', attrs.get('TransferCharacteristics') as VideoInput['transfer']),
    ...optional('matrix', attrs.get('MatrixCoefficients') as VideoInput['matrix']),
    ...optional('colourRange', colourRange),
    ...optional('hdrFormat', attrs.get('HDRFormat') as VideoInput['hdrFormat']),
    ...optional('masteringDisplay', masteringDisplay(q, v, attrs.get('MasteringDisplay'))),
    ...optional('contentLightLevel', contentLightLevel(q, v, attrs)),
    ...optional('rotation', int(q, v, attrs.get('Rotation')) as VideoInput['rotation']),
    ...optional('variableFrameRate', bool(q, v, attrs.get('VariableFrameRate'))),
    ...optional('alpha', bool(q, v, attrs.get('Alpha'))),
    ...optional('bitRate', bitRate !== undefined && bitRate > 0 ? bitRate : undefined),
  };
}

function readAudio(q: XmlQuery, a: XmlElement, producer: EbuCoreProducer, position: number): AudioInput {
  const own = producer === 'framewise';
  const attrs = technicalAttributes(q, a);
  const track = q.first(a, NS, 'audioTrack');
  const channels = q.int(a, q.childText(a, NS, 'channels'), 'channels');
  const sampleRate = q.int(a, q.childText(a, NS, 'samplingRate'), 'samplingRate');
  if (channels === undefined || sampleRate === undefined) q.fail(a, '<audioFormat> needs channels and samplingRate');
  const bitDepth = q.int(a, q.childText(a, NS, 'sampleSize'), 'sampleSize');
  const name = a.attributes.get('audioFormatName');
  const codecEl = q.first(a, NS, 'codec');
  const written =
    (codecEl && q.childText(codecEl, NS, 'name')) ?? q.first(a, NS, 'audioEncoding')?.attributes.get('typeLabel');
  const codec = own
    ? (written ?? name ?? 'unknown')
    : producer === 'mediainfo'
      ? mediaInfoAudioCodec(name, bitDepth, attrs.get('Endianness'))
      : written === 'PCM' || (written === undefined && name?.startsWith('PCM') === true)
        ? mediaInfoAudioCodec('PCM', bitDepth, attrs.get('Endianness'))
        : genericCodec(written ?? name, AUDIO_CODECS);
  const configured = q.first(a, NS, 'audioTrackConfiguration')?.attributes.get('typeLabel');
  const layout = own || configured === undefined ? configured : configured.toLowerCase();
  const role = track?.attributes.get('typeLabel');
  const bitRate = q.int(a, q.childText(a, NS, 'bitRate'), 'bitRate');
  return {
    index: q.int(a, track?.attributes.get('trackId'), 'trackId') ?? position,
    codec,
    channels,
    ...optional(
      'layout',
      layout !== undefined && LAYOUTS.has(layout) ? layout : own ? undefined : CHANNEL_LAYOUTS[channels],
    ),
    sampleRate,
    ...optional('bitDepth', bitDepth !== undefined && bitDepth > 0 ? bitDepth : undefined),
    ...optional('language', track?.attributes.get('trackLanguage')),
    ...optional('role', role !== undefined && ROLES.has(role) ? role : undefined),
    ...optional('bitRate', bitRate !== undefined && bitRate > 0 ? bitRate : undefined),
  } as AudioInput;
}

function containerName(
  q: XmlQuery,
  container: XmlElement | undefined,
  attrs: ReadonlyMap<string, string>,
  producer: EbuCoreProducer,
): string {
  // MediaInfo's EBUCore 1.5 output names the container in formatLabel.
  const name = container?.attributes.get('containerFormatName') ?? container?.attributes.get('formatLabel');
  if (producer === 'framewise' || container === undefined) return name ?? 'unknown';
  if (producer === 'other') return genericContainer(name ?? 'unknown');
  switch (name) {
    case 'MPEG-4':
      return attrs.get('FormatProfile') === 'QuickTime' ? 'mov' : 'mp4';
    case 'MXF':
      return 'mxf';
    case 'Matroska':
      return 'matroska';
    case 'WebM':
      return 'webm';
    case 'MPEG-TS':
      return 'mpegts';
    case 'Wave':
      return 'wav';
    default:
      return name === undefined
        ? q.fail(container, '<containerFormat> has no containerFormatName')
        : name.toLowerCase();
  }
}

/** `OP-1a` (MediaInfo) or `OP1a` (Framewise) → `OP1a`; `OP-Atom` → `OPAtom`. */
function operationalPattern(profile: string | undefined): string | undefined {
  if (profile === undefined) return undefined;
  const m = /^OP-?(1a|1b|1c|2a|2b|2c|3a|3b|3c|Atom)$/i.exec(profile.trim());
  if (m === null) return undefined;
  const p = m[1] as string;
  return `OP${p.toLowerCase() === 'atom' ? 'Atom' : p.toLowerCase()}`;
}

/** `High@L3.1` → High / 3.1; `Main@High` → Main / High; `HQ` → HQ. */
function splitProfile(label: string): { profile: string; level?: string } | undefined {
  const t = label.trim();
  if (t === '') return undefined;
  const at = t.indexOf('@');
  if (at < 0) return { profile: t };
  const level = t.slice(at + 1).replace(/^L(?=\d)/, '');
  return { profile: t.slice(0, at), ...(level === '' ? {} : { level }) };
}

/** `MXF OP1a`, `MXF (OP-1a)` → `OP1a`. */
function operationalPatternIn(name: string | undefined): string | undefined {
  const m = name === undefined ? null : /\bOP-?(1a|1b|1c|2a|2b|2c|3a|3b|3c|Atom)\b/i.exec(name);
  return m === null ? undefined : operationalPattern(`OP${m[1]}`);
}

/** A container named by another producer (`MXF OP1a`, `QuickTime`, `MPEG-4`) → ffprobe's name. */
function genericContainer(name: string): string {
  const n = name.toLowerCase();
  if (n.startsWith('mxf')) return 'mxf';
  if (n.includes('quicktime') || n === 'mov') return 'mov';
  if (n.includes('mpeg-4') || n === 'mp4') return 'mp4';
  if (n.includes('matroska') || n === 'mkv') return 'matroska';
  if (n.includes('webm')) return 'webm';
  if (n.includes('mpeg-ts') || n.includes('transport')) return 'mpegts';
  if (n.includes('wav')) return 'wav';
  return n;
}

const GENERIC_CODECS: Readonly<Record<string, string>> = {
  mpeg2video: 'mpeg2video',
  mpeg2: 'mpeg2video',
  h264: 'h264',
  h265: 'hevc',
  avc: 'h264',
  prores: 'prores',
  dnxhd: 'dnxhd',
  dnxhr: 'dnxhd',
  vc3: 'dnxhd',
  jpeg2000: 'jpeg2000',
  mpeg1layer2: 'mp2',
  mp2: 'mp2',
  aac: 'aac',
  ac3: 'ac3',
  eac3: 'eac3',
  dolbye: 'dolby_e',
};

/** A codec named by another producer (`MPEG-2 Video`, `H.264`, `AVC`) → ffprobe's name, else kept lower-cased. */
function genericCodec(name: string | undefined, known: Readonly<Record<string, string>>): string {
  if (name === undefined) return 'unknown';
  if (known[name] !== undefined) return known[name] as string;
  const key = name
    .toLowerCase()
    .replace(/[\s._-]+/g, '')
    .replace(/video$/, '');
  return GENERIC_CODECS[key] ?? name.toLowerCase();
}

function mediaInfoVideoCodec(name: string | undefined, version: string | undefined): string {
  if (name === undefined) return 'unknown';
  if (name === 'MPEG Video') return version === '1' ? 'mpeg1video' : 'mpeg2video';
  return VIDEO_CODECS[name] ?? name.toLowerCase();
}

function mediaInfoAudioCodec(
  name: string | undefined,
  bits: number | undefined,
  endianness: string | undefined,
): string {
  if (name === undefined) return 'unknown';
  if (name === 'PCM') return `pcm_s${bits ?? 16}${endianness === 'Big' ? 'be' : 'le'}`;
  if (name === 'MPEG Audio') return 'mp2';
  return AUDIO_CODECS[name] ?? name.toLowerCase();
}
