/**
 * Read the Common Encryption boxes of an ISO BMFF (MP4/CMAF) file or init segment: the `pssh`
 * boxes (DRM system id, key ids, data) and, per protected sample entry, the original format
 * (`frma`), the scheme (`schm`) and the track encryption defaults (`tenc`: default KID, IV size,
 * pattern). A bounds-checked walk: malformed input is a typed error, never an out-of-range read.
 */
import { FramewiseError } from '../../errors/index.js';

/** DRM system ids (lowercase UUIDs) as registered with DASH-IF. */
export const DRM_SYSTEM_IDS = {
  widevine: 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed',
  playready: '9a04f079-9840-4286-ab92-e65be0885f95',
  fairplay: '94ce86fb-07ff-4f43-adb8-93d2fa968ca2',
  /** W3C Common PSSH (ClearKey). */
  common: '1077efec-c0b2-4d02-ace3-3c1e52e2fb4b',
} as const;

/** One `pssh` box. */
export interface PsshBox {
  readonly version: number;
  /** DRM system id, lowercase UUID. */
  readonly systemId: string;
  /** Key ids (version 1 boxes), 32 lowercase hex digits each. */
  readonly kids: readonly string[];
  readonly data: Uint8Array;
  /** The whole box, as it would go base64-encoded into `cenc:pssh` or CPIX `<PSSH>`. */
  readonly box: Uint8Array;
}

/** The protection of one sample entry (`encv`/`enca`). */
export interface ProtectedSampleEntry {
  /** `encv` or `enca`. */
  readonly entry: string;
  /** The original format (`avc1`, `hvc1`, `mp4a`, …). */
  readonly originalFormat: string;
  /** `cenc`, `cbcs`, `cens`, `cbc1`. */
  readonly scheme: string;
  readonly defaultKid: string;
  readonly isProtected: boolean;
  readonly perSampleIvSize: number;
  /** Pattern (tenc version 1): encrypted and skipped 16-byte blocks. */
  readonly cryptByteBlock: number;
  readonly skipByteBlock: number;
  /** The constant IV, hex, when per-sample IV size is 0. */
  readonly constantIv?: string;
}

/** What {@link readProtectionBoxes} found. */
export interface ProtectionBoxes {
  readonly pssh: readonly PsshBox[];
  readonly sampleEntries: readonly ProtectedSampleEntry[];
}

const CONTAINERS = new Set([
  'moov',
  'trak',
  'mdia',
  'minf',
  'stbl',
  'sinf',
  'schi',
  'moof',
  'traf',
  'mvex',
  'edts',
  'dinf',
  'udta',
]);

function malformed(what: string, offset: number): FramewiseError {
  return new FramewiseError('INVALID_INPUT', `MP4 box structure is malformed: ${what} at byte ${offset}`, {
    details: { offset },
  });
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const uuid = (b: Uint8Array) => {
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

interface Box {
  readonly type: string;
  readonly start: number;
  /** First byte of the payload. */
  readonly body: number;
  readonly end: number;
}

function* boxes(bytes: Uint8Array, from: number, to: number): Generator<Box> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = from;
  while (at < to) {
    if (to - at < 8) throw malformed('truncated box header', at);
    let size = view.getUint32(at);
    const type = String.fromCharCode(
      bytes[at + 4] as number,
      bytes[at + 5] as number,
      bytes[at + 6] as number,
      bytes[at + 7] as number,
    );
    let body = at + 8;
    if (size === 1) {
      if (to - at < 16) throw malformed('truncated large size', at);
      const large = view.getBigUint64(at + 8);
      if (large > BigInt(to - at)) throw malformed(`box "${type}" larger than its parent`, at);
      size = Number(large);
      body = at + 16;
    } else if (size === 0) size = to - at;
    if (size < body - at || at + size > to) throw malformed(`box "${type}" of size ${size}`, at);
    yield { type, start: at, body, end: at + size };
    at += size;
  }
}

function pssh(bytes: Uint8Array, b: Box): PsshBox {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.end - b.body < 4 + 16 + 4) throw malformed('pssh too short', b.start);
  const version = bytes[b.body] as number;
  let at = b.body + 4;
  const systemId = uuid(bytes.subarray(at, at + 16));
  at += 16;
  const kids: string[] = [];
  if (version > 0) {
    const count = view.getUint32(at);
    at += 4;
    if (count > (b.end - at) / 16) throw malformed('pssh KID count', b.start);
    for (let i = 0; i < count; i++, at += 16) kids.push(hex(bytes.subarray(at, at + 16)));
  }
  if (b.end - at < 4) throw malformed('pssh data size', b.start);
  const size = view.getUint32(at);
  at += 4;
  if (size > b.end - at) throw malformed('pssh data larger than the box', b.start);
  return { version, systemId, kids, data: bytes.slice(at, at + size), box: bytes.slice(b.start, b.end) };
}

function tenc(bytes: Uint8Array, b: Box) {
  if (b.end - b.body < 4 + 2 + 2 + 16) throw malformed('tenc too short', b.start);
  const version = bytes[b.body] as number;
  const pattern = bytes[b.body + 5] as number;
  const isProtected = bytes[b.body + 6] === 1;
  const perSampleIvSize = bytes[b.body + 7] as number;
  const defaultKid = hex(bytes.subarray(b.body + 8, b.body + 24));
  let constantIv: string | undefined;
  if (isProtected && perSampleIvSize === 0) {
    const n = bytes[b.body + 24];
    if (n === undefined || b.body + 25 + n > b.end) throw malformed('tenc constant IV', b.start);
    constantIv = hex(bytes.subarray(b.body + 25, b.body + 25 + n));
  }
  return {
    isProtected,
    perSampleIvSize,
    defaultKid,
    cryptByteBlock: version > 0 ? pattern >> 4 : 0,
    skipByteBlock: version > 0 ? pattern & 0x0f : 0,
    ...(constantIv === undefined ? {} : { constantIv }),
  };
}

/** The header size of a sample entry before its child boxes. */
const SAMPLE_ENTRY_HEADER: Readonly<Record<string, number>> = { encv: 78, enca: 28 };

function sampleEntry(bytes: Uint8Array, entry: Box): ProtectedSampleEntry | undefined {
  const header = SAMPLE_ENTRY_HEADER[entry.type];
  if (header === undefined) return undefined;
  if (entry.end - entry.body < header) throw malformed(`${entry.type} too short`, entry.start);
  let originalFormat = '';
  let scheme = '';
  let t: ReturnType<typeof tenc> | undefined;
  for (const child of boxes(bytes, entry.body + header, entry.end)) {
    if (child.type !== 'sinf') continue;
    for (const s of boxes(bytes, child.body, child.end)) {
      if (s.type === 'frma' && s.end - s.body >= 4)
        originalFormat = String.fromCharCode(...bytes.subarray(s.body, s.body + 4));
      else if (s.type === 'schm' && s.end - s.body >= 8)
        scheme = String.fromCharCode(...bytes.subarray(s.body + 4, s.body + 8));
      else if (s.type === 'schi')
        for (const c of boxes(bytes, s.body, s.end)) if (c.type === 'tenc') t = tenc(bytes, c);
    }
  }
  if (t === undefined) throw malformed(`${entry.type} without tenc`, entry.start);
  return { entry: entry.type, originalFormat, scheme, ...t };
}

/**
 * Find the `pssh` boxes and protected sample entries of an MP4 (a whole file or an init segment).
 *
 * @throws `INVALID_INPUT` when the box structure is malformed (sizes past their parent, truncated headers).
 */
export function readProtectionBoxes(bytes: Uint8Array): ProtectionBoxes {
  const found: PsshBox[] = [];
  const entries: ProtectedSampleEntry[] = [];
  const walk = (from: number, to: number, depth: number) => {
    if (depth > 16) throw malformed('boxes nested too deep', from);
    for (const b of boxes(bytes, from, to)) {
      if (b.type === 'pssh') found.push(pssh(bytes, b));
      else if (b.type === 'stsd') {
        if (b.end - b.body < 8) throw malformed('stsd too short', b.start);
        for (const e of boxes(bytes, b.body + 8, b.end)) {
          const p = sampleEntry(bytes, e);
          if (p !== undefined) entries.push(p);
        }
      } else if (CONTAINERS.has(b.type)) walk(b.body, b.end, depth + 1);
      // `mdat` and everything else is skipped by size without being read.
    }
  };
  walk(0, bytes.byteLength, 0);
  return { pssh: found, sampleEntries: entries };
}
