import { open } from 'node:fs/promises';

/** A media container family, as told by a file's first bytes. */
export type ContainerFamily =
  | 'mxf'
  | 'quicktime'
  | 'mp4'
  | 'matroska'
  | 'mpeg-ts'
  | 'mpeg-ps'
  | 'mpeg-es'
  | 'wav'
  | 'avi'
  | 'aiff'
  | 'dpx'
  | 'unknown';

/** What a file's signature says it is. */
export interface IdentifiedFormat {
  /** The container family its magic bytes name (`unknown` when none matches). */
  readonly family: ContainerFamily;
  /** The MIME type of that family (`application/octet-stream` when unknown). */
  readonly mimeType: string;
  /** For ISO base media files: the `ftyp` major brand (`qt  `, `isom`, `mp42`, …). */
  readonly brand?: string;
  /** What matched, for the ingest report (`MXF partition pack key`, `ftyp box`, …). */
  readonly evidence: string;
}

const MIME: Record<ContainerFamily, string> = {
  mxf: 'application/mxf',
  quicktime: 'video/quicktime',
  mp4: 'video/mp4',
  matroska: 'video/x-matroska',
  'mpeg-ts': 'video/mp2t',
  'mpeg-ps': 'video/mpeg',
  'mpeg-es': 'video/mpeg',
  wav: 'audio/wav',
  avi: 'video/x-msvideo',
  aiff: 'audio/aiff',
  dpx: 'image/x-dpx',
  unknown: 'application/octet-stream',
};

/** How many leading bytes {@link identifyFile} reads. */
export const SIGNATURE_BYTES = 64 * 1024;

const ascii = (b: Uint8Array, from: number, length: number): string =>
  String.fromCharCode(...b.subarray(from, from + length));

function result(family: ContainerFamily, evidence: string, brand?: string): IdentifiedFormat {
  return { family, mimeType: MIME[family], evidence, ...(brand === undefined ? {} : { brand }) };
}

/**
 * Identify a container by its signature (magic bytes), independently of the file name and of
 * ffprobe: MXF (SMPTE 377 partition pack key, after a run-in of up to 64 KiB), QuickTime and MP4
 * (`ftyp` brand, or a leading `moov`/`mdat`/`wide`/`free` atom), Matroska/WebM (EBML), MPEG-2
 * transport streams (188- or 192-byte packets, sync byte at three packet starts), program and
 * elementary streams, WAV/RF64/BW64, AVI, AIFF and DPX.
 */
export function identifyBytes(bytes: Uint8Array): IdentifiedFormat {
  const b = bytes;
  // MXF: the 11 bytes 06 0E 2B 34 02 05 01 01 0D 01 02 of a partition pack key, within the run-in.
  const mxfKey = [0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02];
  for (let i = 0; i + mxfKey.length <= Math.min(b.length, SIGNATURE_BYTES); i++) {
    if (b[i] !== 0x06) continue;
    if (mxfKey.every((v, j) => b[i + j] === v)) return result('mxf', `MXF partition pack key at byte ${i}`);
  }
  if (b.length >= 12) {
    const box = ascii(b, 4, 4);
    if (box === 'ftyp') {
      const brand = ascii(b, 8, 4);
      return brand === 'qt  '
        ? result('quicktime', 'ftyp box, brand "qt  "', brand)
        : result('mp4', `ftyp box, brand ${JSON.stringify(brand)}`, brand);
    }
    if (['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].includes(box))
      return result('quicktime', `leading QuickTime "${box}" atom`);
  }
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3)
    return result('matroska', 'EBML header');
  for (const [size, offset] of [
    [188, 0],
    [192, 4],
  ] as const) {
    if (
      b.length >= offset + size * 2 + 1 &&
      [0, 1, 2].every((k) => offset + k * size >= b.length || b[offset + k * size] === 0x47)
    )
      return result('mpeg-ts', `sync byte 0x47 every ${size} bytes`);
  }
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1) {
    if (b[3] === 0xba) return result('mpeg-ps', 'MPEG pack header');
    if (b[3] === 0xb3) return result('mpeg-es', 'MPEG sequence header');
  }
  if (b.length >= 12) {
    const riff = ascii(b, 0, 4);
    const kind = ascii(b, 8, 4);
    if ((riff === 'RIFF' || riff === 'RF64' || riff === 'BW64') && kind === 'WAVE')
      return result('wav', `${riff}/WAVE header`);
    if (riff === 'RIFF' && kind === 'AVI ') return result('avi', 'RIFF/AVI header');
    if (riff === 'FORM' && (kind === 'AIFF' || kind === 'AIFC')) return result('aiff', `FORM/${kind} header`);
  }
  if (b.length >= 4 && (ascii(b, 0, 4) === 'SDPX' || ascii(b, 0, 4) === 'XPDS')) return result('dpx', 'DPX magic');
  return result('unknown', 'no known signature');
}

/** Read a file's first {@link SIGNATURE_BYTES} and identify its container (see {@link identifyBytes}). */
export async function identifyFile(path: string): Promise<IdentifiedFormat> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(SIGNATURE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SIGNATURE_BYTES, 0);
    return identifyBytes(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * Whether ffprobe's container (as `technicalMetadataFromProbe` names it) agrees with the
 * signature. `undefined` when the signature says nothing.
 */
export function signatureAgrees(format: IdentifiedFormat, container: string): boolean | undefined {
  const expected: Partial<Record<ContainerFamily, readonly string[]>> = {
    mxf: ['mxf'],
    quicktime: ['mov', 'mp4'],
    mp4: ['mp4', 'mov'],
    matroska: ['matroska', 'webm'],
    'mpeg-ts': ['mpegts'],
    'mpeg-ps': ['mpeg', 'vob'],
    'mpeg-es': ['mpegvideo'],
    wav: ['wav', 'w64'],
    avi: ['avi'],
    aiff: ['aiff'],
    dpx: ['image2', 'dpx_pipe'],
  };
  const names = expected[format.family];
  return names === undefined ? undefined : names.includes(container);
}
