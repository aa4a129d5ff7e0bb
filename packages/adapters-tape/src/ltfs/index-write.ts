import { FramewiseError } from '@framewise/core/errors';
import type { LtfsDirectory, LtfsFile, LtfsIndex, LtfsTimes, LtfsXattr, TapePosition } from './index-model.js';

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// biome-ignore lint/suspicious/noControlCharactersInRegex: names with control characters are percent-encoded
const NEEDS_ENCODING = /[\u0000-\u001f\u007f]|[\uD800-\uDFFF]/;

/** `<tag>name</tag>`, percent-encoded (and marked so) when XML 1.0 cannot carry the name as text. */
function nameElement(tag: string, name: string): string {
  if (!NEEDS_ENCODING.test(name)) return `<${tag}>${escapeXml(name)}</${tag}>`;
  let encoded: string;
  try {
    encoded = encodeURIComponent(name);
  } catch (error) {
    throw new FramewiseError('INVALID_INPUT', `LTFS name ${JSON.stringify(name.slice(0, 80))} has a lone surrogate`, {
      details: { name: name.slice(0, 255) },
      cause: error,
    });
  }
  return `<${tag} percentencoded="true">${encoded}</${tag}>`;
}

const leaf = (tag: string, value: string | number | boolean): string => `<${tag}>${escapeXml(String(value))}</${tag}>`;

const position = (tag: string, p: TapePosition): string =>
  `<${tag}>\n${leaf('partition', p.partition)}\n${leaf('startblock', p.startBlock)}\n</${tag}>`;

const times = (t: LtfsTimes): string =>
  [
    leaf('creationtime', t.creationTime),
    leaf('changetime', t.changeTime),
    leaf('modifytime', t.modifyTime),
    leaf('accesstime', t.accessTime),
    leaf('backuptime', t.backupTime),
  ].join('\n');

function xattrs(list: readonly LtfsXattr[]): string[] {
  if (list.length === 0) return [];
  const items = list.map((x) => {
    const value = x.type === 'base64' ? `<value type="base64">${escapeXml(x.value)}</value>` : leaf('value', x.value);
    return `<xattr>\n${nameElement('key', x.key)}\n${value}\n</xattr>`;
  });
  return [`<extendedattributes>\n${items.join('\n')}\n</extendedattributes>`];
}

function file(f: LtfsFile): string {
  const parts = [
    nameElement('name', f.name),
    leaf('length', f.length),
    leaf('readonly', f.readOnly),
    times(f),
    leaf('fileuid', f.fileUid),
    ...(f.openForWrite ? [leaf('openforwrite', true)] : []),
    ...xattrs(f.xattrs),
  ];
  if (f.symlink !== undefined) parts.push(nameElement('symlink', f.symlink));
  else if (f.extents.length > 0)
    parts.push(
      `<extentinfo>\n${f.extents
        .map(
          (x) =>
            `<extent>\n${leaf('fileoffset', x.fileOffset)}\n${leaf('partition', x.partition)}\n${leaf('startblock', x.startBlock)}\n${leaf('byteoffset', x.byteOffset)}\n${leaf('bytecount', x.byteCount)}\n</extent>`,
        )
        .join('\n')}\n</extentinfo>`,
    );
  return `<file>\n${parts.join('\n')}\n</file>`;
}

function directory(d: LtfsDirectory): string {
  const contents = [...d.directories.map(directory), ...d.files.map(file)];
  return `<directory>\n${[
    nameElement('name', d.name),
    leaf('readonly', d.readOnly),
    times(d),
    leaf('fileuid', d.fileUid),
    ...xattrs(d.xattrs),
    contents.length === 0 ? '<contents/>' : `<contents>\n${contents.join('\n')}\n</contents>`,
  ].join('\n')}\n</directory>`;
}

/**
 * Write an LTFS index document (`ltfsindex`) in the canonical form the reference implementation
 * writes: one element per line, names percent-encoded only when XML 1.0 cannot carry them.
 * {@link parseLtfsIndex} reads it back to an equal index.
 */
export function writeLtfsIndex(index: LtfsIndex): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<ltfsindex version="${escapeXml(index.version).replace(/"/g, '&quot;')}">`,
    leaf('creator', index.creator),
    ...(index.comment === undefined ? [] : [leaf('comment', index.comment)]),
    leaf('volumeuuid', index.volumeUuid),
    leaf('generationnumber', index.generation),
    leaf('updatetime', index.updateTime),
    position('location', index.location),
    ...(index.previousGenerationLocation === undefined
      ? []
      : [position('previousgenerationlocation', index.previousGenerationLocation)]),
    leaf('allowpolicyupdate', index.allowPolicyUpdate),
    ...(index.dataPlacementPolicy === undefined
      ? []
      : [
          `<dataplacementpolicy>\n<indexpartitioncriteria>\n${[
            leaf('size', index.dataPlacementPolicy.size),
            ...index.dataPlacementPolicy.names.map((n) => nameElement('name', n)),
          ].join('\n')}\n</indexpartitioncriteria>\n</dataplacementpolicy>`,
        ]),
    leaf('highestfileuid', index.highestFileUid),
    ...(index.volumeLockState === undefined ? [] : [leaf('volumelockstate', index.volumeLockState)]),
    directory(index.root),
    '</ltfsindex>',
    '',
  ];
  return lines.join('\n');
}
