import { parseXml, type XmlElement } from '@framewise/adapters-metadata/xml';
import { FramewiseError, isFramewiseError } from '@framewise/core/errors';
import { tapeError } from './errors.js';
import type {
  LtfsDirectory,
  LtfsExtent,
  LtfsFile,
  LtfsIndex,
  LtfsLabel,
  LtfsTimes,
  LtfsXattr,
  TapePosition,
} from './index-model.js';

/** Deepest directory nesting accepted in an index. */
const MAX_DEPTH = 200;

class IndexReader {
  constructor(readonly source: string) {}

  fail(element: XmlElement | undefined, why: string): never {
    throw tapeError('index-unreadable', `LTFS ${this.source}: ${why}`, {
      source: this.source,
      ...(element === undefined ? {} : { offset: element.offset }),
    });
  }

  all(parent: XmlElement, name: string): XmlElement[] {
    return parent.children.filter((c) => c.ns === '' && c.name === name);
  }

  optional(parent: XmlElement, name: string): XmlElement | undefined {
    const found = this.all(parent, name);
    if (found.length > 1) this.fail(found[1], `<${parent.name}> has more than one <${name}>`);
    return found[0];
  }

  one(parent: XmlElement, name: string): XmlElement {
    return this.optional(parent, name) ?? this.fail(parent, `<${parent.name}> has no <${name}>`);
  }

  text(parent: XmlElement, name: string): string {
    return this.one(parent, name).text;
  }

  integer(parent: XmlElement, name: string, min = 0): number {
    const el = this.one(parent, name);
    const t = el.text.trim();
    if (!/^\d{1,16}$/.test(t)) this.fail(el, `<${name}> "${t.slice(0, 40)}" is not a non-negative integer`);
    const n = Number(t);
    if (!Number.isSafeInteger(n) || n < min) this.fail(el, `<${name}> ${t} is out of range`);
    return n;
  }

  boolean(parent: XmlElement, name: string): boolean {
    const el = this.one(parent, name);
    const t = el.text.trim();
    if (t === 'true') return true;
    if (t === 'false') return false;
    return this.fail(el, `<${name}> "${t.slice(0, 40)}" is not true or false`);
  }

  partition(parent: XmlElement, name: string): string {
    const el = this.one(parent, name);
    const t = el.text.trim();
    if (!/^[a-z]$/.test(t)) this.fail(el, `<${name}> "${t.slice(0, 40)}" is not a partition letter`);
    return t;
  }

  time(parent: XmlElement, name: string): string {
    const el = this.one(parent, name);
    const t = el.text.trim();
    // Canonical form has 9 fraction digits; older writers used fewer: accept 0-9 and keep as is.
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(t))
      this.fail(el, `<${name}> "${t.slice(0, 40)}" is not an LTFS time stamp`);
    return t;
  }

  position(el: XmlElement): TapePosition {
    return { partition: this.partition(el, 'partition'), startBlock: this.integer(el, 'startblock') };
  }

  name(el: XmlElement): string {
    const encoded = el.attributes.get('percentencoded');
    if (encoded === 'true') {
      try {
        return decodeURIComponent(el.text);
      } catch {
        return this.fail(el, `name "${el.text.slice(0, 80)}" is not valid percent-encoding`);
      }
    }
    if (encoded !== undefined && encoded !== 'false') this.fail(el, `percentencoded="${encoded}" is not true or false`);
    return el.text;
  }

  times(el: XmlElement): LtfsTimes {
    return {
      creationTime: this.time(el, 'creationtime'),
      changeTime: this.time(el, 'changetime'),
      modifyTime: this.time(el, 'modifytime'),
      accessTime: this.time(el, 'accesstime'),
      backupTime: this.time(el, 'backuptime'),
    };
  }

  xattrs(el: XmlElement): LtfsXattr[] {
    const list = this.optional(el, 'extendedattributes');
    if (list === undefined) return [];
    return this.all(list, 'xattr').map((x) => {
      const value = this.optional(x, 'value');
      const type = value?.attributes.get('type') ?? 'text';
      if (type !== 'text' && type !== 'base64') this.fail(value, `xattr value type "${type}" is not text or base64`);
      return { key: this.name(this.one(x, 'key')), value: value?.text ?? '', type };
    });
  }

  extents(el: XmlElement, length: number): LtfsExtent[] {
    const info = this.optional(el, 'extentinfo');
    if (info === undefined) return [];
    const extents = this.all(info, 'extent').map((x) => ({
      fileOffset: this.integer(x, 'fileoffset'),
      partition: this.partition(x, 'partition'),
      startBlock: this.integer(x, 'startblock'),
      byteOffset: this.integer(x, 'byteoffset'),
      byteCount: this.integer(x, 'bytecount'),
    }));
    let end = 0;
    for (const x of extents) {
      if (x.fileOffset < end) this.fail(info, 'extents overlap or are out of file order');
      end = x.fileOffset + x.byteCount;
    }
    if (end > length) this.fail(info, `extents end at byte ${end}, past the file length ${length}`);
    return extents;
  }

  file(el: XmlElement, parentPath: string, uids: Set<number>): LtfsFile {
    const name = this.name(this.one(el, 'name'));
    this.checkName(el, name);
    const length = this.integer(el, 'length');
    const fileUid = this.uid(el, uids);
    const symlinkEl = this.optional(el, 'symlink');
    const extents = this.extents(el, length);
    if (symlinkEl !== undefined && extents.length > 0) this.fail(el, `file "${name}" has both extents and a symlink`);
    const openForWrite = this.optional(el, 'openforwrite') === undefined ? false : this.boolean(el, 'openforwrite');
    return {
      kind: 'file',
      name,
      path: parentPath === '' ? name : `${parentPath}/${name}`,
      fileUid,
      length,
      readOnly: this.boolean(el, 'readonly'),
      openForWrite,
      ...this.times(el),
      xattrs: this.xattrs(el),
      extents,
      symlink: symlinkEl === undefined ? undefined : this.name(symlinkEl),
    };
  }

  checkName(el: XmlElement, name: string): void {
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0'))
      this.fail(el, `name ${JSON.stringify(name.slice(0, 80))} is not a valid file or directory name`);
  }

  uid(el: XmlElement, uids: Set<number>): number {
    const uid = this.integer(el, 'fileuid', 1);
    if (uids.has(uid)) this.fail(el, `fileuid ${uid} is used twice`);
    uids.add(uid);
    return uid;
  }

  directory(el: XmlElement, parentPath: string | undefined, uids: Set<number>, depth: number): LtfsDirectory {
    if (depth > MAX_DEPTH) this.fail(el, `directories nested deeper than ${MAX_DEPTH}`);
    const name = this.name(this.one(el, 'name'));
    const isRoot = parentPath === undefined;
    if (!isRoot) this.checkName(el, name);
    const path = isRoot ? '' : parentPath === '' ? name : `${parentPath}/${name}`;
    const contents = this.one(el, 'contents');
    const directories: LtfsDirectory[] = [];
    const files: LtfsFile[] = [];
    const names = new Set<string>();
    for (const child of contents.children) {
      if (child.ns !== '') continue;
      let entry: LtfsDirectory | LtfsFile;
      if (child.name === 'directory') entry = this.directory(child, path, uids, depth + 1);
      else if (child.name === 'file') entry = this.file(child, path, uids);
      else continue;
      if (names.has(entry.name)) this.fail(child, `"${entry.name}" appears twice in directory "${path}"`);
      names.add(entry.name);
      if (entry.kind === 'directory') directories.push(entry);
      else files.push(entry);
    }
    return {
      kind: 'directory',
      name,
      path,
      fileUid: this.uid(el, uids),
      readOnly: this.boolean(el, 'readonly'),
      ...this.times(el),
      xattrs: this.xattrs(el),
      directories,
      files,
    };
  }

  version(el: XmlElement): string {
    const version = el.attributes.get('version') ?? this.fail(el, `<${el.name}> has no version`);
    if (!/^2\.\d+\.\d+$/.test(version))
      throw new FramewiseError(
        'UNSUPPORTED',
        `LTFS ${this.source} is format version "${version.slice(0, 20)}"; Framewise reads 2.x`,
        {
          details: { source: this.source, version: version.slice(0, 20), reason: 'index-unreadable' },
        },
      );
    return version;
  }
}

function parseDocument(
  xml: string | Uint8Array,
  source: string,
  rootName: string,
): { root: XmlElement; reader: IndexReader } {
  const reader = new IndexReader(source);
  let root: XmlElement;
  try {
    root = parseXml(xml, { source, maxDepth: MAX_DEPTH * 2 + 20 }).root;
  } catch (error) {
    if (isFramewiseError(error))
      throw tapeError('index-unreadable', `LTFS ${source} is not well-formed XML: ${error.message}`, { source }, error);
    throw error;
  }
  if (root.ns !== '' || root.name !== rootName) reader.fail(root, `root element is <${root.name}>, not <${rootName}>`);
  return { root, reader };
}

/**
 * Parse an LTFS index (`ltfsindex`, LTFS format 2.x) with the safe XML reader: required elements,
 * canonical numbers, partitions, time stamps, unique file UIDs, names (percent-encoding undone),
 * non-overlapping extents inside the file length. Vendor elements are ignored, as LTFS readers do.
 *
 * @param source names the document in errors (a file name, `TAPE01 index`).
 * @throws `INTEGRITY` with `details.reason` `index-unreadable` naming the problem; `UNSUPPORTED`
 *   for a format version other than 2.x.
 */
export function parseLtfsIndex(xml: string | Uint8Array, source = 'index'): LtfsIndex {
  const { root, reader } = parseDocument(xml, source, 'ltfsindex');
  const uids = new Set<number>();
  const version = reader.version(root);
  const previous = reader.optional(root, 'previousgenerationlocation');
  const policy = reader.optional(root, 'dataplacementpolicy');
  const criteria = policy === undefined ? undefined : reader.one(policy, 'indexpartitioncriteria');
  const lock = reader.optional(root, 'volumelockstate')?.text.trim();
  if (lock !== undefined && lock !== 'unlocked' && lock !== 'locked' && lock !== 'permlocked')
    reader.fail(root, `volumelockstate "${lock.slice(0, 20)}" is not unlocked, locked or permlocked`);
  const rootDir = reader.directory(reader.one(root, 'directory'), undefined, uids, 0);
  const highestFileUid = reader.integer(root, 'highestfileuid', 1);
  for (const uid of uids)
    if (uid > highestFileUid) reader.fail(root, `fileuid ${uid} is above highestfileuid ${highestFileUid}`);
  const uuid = reader.text(root, 'volumeuuid').trim();
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(uuid))
    reader.fail(root, `volumeuuid "${uuid.slice(0, 40)}" is not a UUID`);
  const comment = reader.optional(root, 'comment');
  return {
    version,
    creator: reader.text(root, 'creator'),
    comment: comment?.text,
    volumeUuid: uuid.toLowerCase(),
    generation: reader.integer(root, 'generationnumber'),
    updateTime: reader.time(root, 'updatetime'),
    location: reader.position(reader.one(root, 'location')),
    previousGenerationLocation: previous === undefined ? undefined : reader.position(previous),
    allowPolicyUpdate: reader.boolean(root, 'allowpolicyupdate'),
    dataPlacementPolicy:
      criteria === undefined
        ? undefined
        : { size: reader.integer(criteria, 'size'), names: reader.all(criteria, 'name').map((n) => reader.name(n)) },
    highestFileUid,
    volumeLockState: lock as LtfsIndex['volumeLockState'],
    root: rootDir,
  };
}

/**
 * Parse an LTFS partition label (`ltfslabel`).
 *
 * @throws `INTEGRITY` (`index-unreadable`) naming the problem.
 */
export function parseLtfsLabel(xml: string | Uint8Array, source = 'label'): LtfsLabel {
  const { root, reader } = parseDocument(xml, source, 'ltfslabel');
  const partitions = reader.one(root, 'partitions');
  return {
    version: reader.version(root),
    creator: reader.text(root, 'creator'),
    formatTime: reader.time(root, 'formattime'),
    volumeUuid: reader.text(root, 'volumeuuid').trim().toLowerCase(),
    partition: reader.partition(reader.one(root, 'location'), 'partition'),
    indexPartition: reader.partition(partitions, 'index'),
    dataPartition: reader.partition(partitions, 'data'),
    blockSize: reader.integer(root, 'blocksize', 1),
    compression: reader.boolean(root, 'compression'),
  };
}
