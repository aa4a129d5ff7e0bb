/**
 * RFC 6381 codec strings (`avc1.64001f`, `hvc1.2.4.L120.90`, `av01.0.08M.08`, `mp4a.40.2`) read
 * from the sample entry of an ISO BMFF (MP4/CMAF) init segment, for HLS `CODECS` attributes.
 */

interface Box {
  readonly type: string;
  /** Offset of the box's payload (after its header). */
  readonly start: number;
  /** Offset just past the box. */
  readonly end: number;
}

/** The boxes in `bytes[from, to)`, stopping at the first malformed header. */
function boxes(bytes: Uint8Array, from: number, to: number): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) break;
    out.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return out;
}

/** The first box of a path (`moov/trak/mdia`) under a range. */
function find(bytes: Uint8Array, path: readonly string[], from = 0, to = bytes.length): Box | undefined {
  let range: Box | undefined;
  let start = from;
  let end = to;
  for (const type of path) {
    range = boxes(bytes, start, end).find((b) => b.type === type);
    if (range === undefined) return undefined;
    start = range.start;
    end = range.end;
  }
  return range;
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** Reverse the bits of a 32-bit number (HEVC compatibility flags are written LSB first). */
function reverse32(n: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) r = (r << 1) | ((n >>> i) & 1);
  return r >>> 0;
}

function avc(entry: string, c: Uint8Array): string | undefined {
  if (c.length < 4) return undefined;
  return `${entry}.${hex2(c[1] as number)}${hex2(c[2] as number)}${hex2(c[3] as number)}`;
}

function hevc(entry: string, c: Uint8Array): string | undefined {
  if (c.length < 13) return undefined;
  const view = new DataView(c.buffer, c.byteOffset, c.byteLength);
  const b1 = c[1] as number;
  const space = ['', 'A', 'B', 'C'][b1 >> 6];
  const tier = b1 & 0x20 ? 'H' : 'L';
  const compat = reverse32(view.getUint32(2)).toString(16);
  const constraints = [...c.subarray(6, 12)];
  while (constraints.length > 0 && constraints.at(-1) === 0) constraints.pop();
  const tail = constraints.map((b) => `.${b.toString(16).toUpperCase()}`).join('');
  return `${entry}.${space}${b1 & 0x1f}.${compat}.${tier}${c[12]}${tail}`;
}

/**
 * `av01.P.LLT.DD`, and when the sample entry has an `nclx` colour box the long form
 * `.M.CCC.cp.tc.mc.F` (AV1 ISO BMFF binding, codecs parameter): the short form means BT.709
 * limited range, so a PQ or HLG rung must name its colour.
 */
function av1(c: Uint8Array, colr: Uint8Array | undefined): string | undefined {
  if (c.length < 3) return undefined;
  const b1 = c[1] as number;
  const b2 = c[2] as number;
  const depth = b2 & 0x40 ? (b2 & 0x20 ? 12 : 10) : 8;
  const short = `av01.${b1 >> 5}.${String(b1 & 0x1f).padStart(2, '0')}${b2 & 0x80 ? 'H' : 'M'}.${String(depth).padStart(2, '0')}`;
  const nclx = colr !== undefined && colr.length >= 11 && String.fromCharCode(...colr.subarray(0, 4)) === 'nclx';
  if (!nclx) return short;
  const u16 = (at: number) => ((colr[at] as number) << 8) | (colr[at + 1] as number);
  const two = (n: number) => String(n).padStart(2, '0');
  const chroma = `${(b2 >> 3) & 1}${(b2 >> 2) & 1}${b2 & 3}`;
  const fullRange = ((colr[10] as number) >> 7) & 1;
  return `${short}.${(b2 >> 4) & 1}.${chroma}.${two(u16(4))}.${two(u16(6))}.${two(u16(8))}.${fullRange}`;
}

/** The audio object type from an `esds` payload (ES_Descriptor → DecoderConfig → DecoderSpecificInfo). */
function mp4a(esds: Uint8Array): string | undefined {
  let at = 4; // version and flags
  const descriptor = (): { tag: number; start: number; end: number } | undefined => {
    if (at >= esds.length) return undefined;
    const tag = esds[at++] as number;
    let length = 0;
    for (let i = 0; i < 4 && at < esds.length; i++) {
      const b = esds[at++] as number;
      length = (length << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
    return { tag, start: at, end: Math.min(esds.length, at + length) };
  };
  const es = descriptor();
  if (es?.tag !== 0x03) return undefined;
  const flags = esds[at + 2] as number; // after the 16-bit ES_ID
  at += 3;
  if (flags & 0x80) at += 2; // dependsOn_ES_ID
  if (flags & 0x40) at += 1 + (esds[at] as number); // URL
  if (flags & 0x20) at += 2; // OCR_ES_Id
  const config = descriptor();
  if (config?.tag !== 0x04) return undefined;
  const objectType = esds[config.start] as number;
  at = config.start + 13;
  const specific = descriptor();
  if (objectType !== 0x40 || specific?.tag !== 0x05) return `mp4a.${hex2(objectType)}`;
  let aot = (esds[specific.start] as number) >> 3;
  if (aot === 31)
    aot = 32 + ((((esds[specific.start] as number) & 0x07) << 3) | ((esds[specific.start + 1] as number) >> 5));
  return `mp4a.40.${aot}`;
}

/** Offsets of child boxes after a sample entry's fixed fields (ISO/IEC 14496-12). */
const VISUAL_ENTRY_FIELDS = 78;
const AUDIO_ENTRY_FIELDS = 28;

/**
 * The RFC 6381 codec string of the first track of an MP4/CMAF init segment, or undefined when its
 * sample entry is not one Framewise writes (H.264, HEVC, AV1, AAC, AC-3, E-AC-3).
 */
export function codecString(initSegment: Uint8Array): string | undefined {
  const stsd = find(initSegment, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd']);
  if (stsd === undefined) return undefined;
  const entry = boxes(initSegment, stsd.start + 8, stsd.end)[0];
  if (entry === undefined) return undefined;
  const child = (type: string, fields: number) => {
    const box = find(initSegment, [type], entry.start + fields, entry.end);
    return box === undefined ? undefined : initSegment.subarray(box.start, box.end);
  };
  switch (entry.type) {
    case 'avc1':
    case 'avc3': {
      const c = child('avcC', VISUAL_ENTRY_FIELDS);
      return c && avc(entry.type, c);
    }
    case 'hvc1':
    case 'hev1': {
      const c = child('hvcC', VISUAL_ENTRY_FIELDS);
      return c && hevc(entry.type, c);
    }
    case 'av01': {
      const c = child('av1C', VISUAL_ENTRY_FIELDS);
      return c && av1(c, child('colr', VISUAL_ENTRY_FIELDS));
    }
    case 'mp4a': {
      const c = child('esds', AUDIO_ENTRY_FIELDS);
      return c ? mp4a(c) : 'mp4a.40.2';
    }
    case 'ac-3':
    case 'ec-3':
      return entry.type;
    default:
      return undefined;
  }
}
