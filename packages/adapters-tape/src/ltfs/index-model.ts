/** Where something starts on tape: an LTFS partition (`a`, `b`) and a block number. */
export interface TapePosition {
  readonly partition: string;
  readonly startBlock: number;
}

/** One extent of a file's data on tape (LTFS index `extent`). */
export interface LtfsExtent {
  /** Offset in the file of the extent's first byte. */
  readonly fileOffset: number;
  readonly partition: string;
  readonly startBlock: number;
  /** Offset of the first byte inside `startBlock` (0 unless the block is shared). */
  readonly byteOffset: number;
  readonly byteCount: number;
}

/** An extended attribute stored in the index (`text` values as is, `base64` values encoded). */
export interface LtfsXattr {
  readonly key: string;
  readonly value: string;
  readonly type: 'text' | 'base64';
}

/** The five LTFS time stamps of a file or directory (canonical `YYYY-MM-DDThh:mm:ss.nnnnnnnnnZ`). */
export interface LtfsTimes {
  readonly creationTime: string;
  readonly changeTime: string;
  readonly modifyTime: string;
  readonly accessTime: string;
  readonly backupTime: string;
}

/** A file in an LTFS index. */
export interface LtfsFile extends LtfsTimes {
  readonly kind: 'file';
  /** Decoded name (percent-encoding undone). */
  readonly name: string;
  /** Path from the volume root, `/`-separated, no leading `/`. */
  readonly path: string;
  readonly fileUid: number;
  readonly length: number;
  readonly readOnly: boolean;
  readonly openForWrite: boolean;
  readonly xattrs: readonly LtfsXattr[];
  /** Data extents, in file order (empty for an empty file or a symlink). */
  readonly extents: readonly LtfsExtent[];
  /** Target of a symbolic link, `undefined` for a regular file. */
  readonly symlink: string | undefined;
}

/** A directory in an LTFS index (the root directory's name is the volume name). */
export interface LtfsDirectory extends LtfsTimes {
  readonly kind: 'directory';
  readonly name: string;
  /** Path from the volume root ('' for the root). */
  readonly path: string;
  readonly fileUid: number;
  readonly readOnly: boolean;
  readonly xattrs: readonly LtfsXattr[];
  readonly directories: readonly LtfsDirectory[];
  readonly files: readonly LtfsFile[];
}

/** An LTFS index (LTFS format 2.x `ltfsindex`). */
export interface LtfsIndex {
  /** Format version, e.g. `2.4.0`. */
  readonly version: string;
  readonly creator: string;
  readonly comment: string | undefined;
  readonly volumeUuid: string;
  readonly generation: number;
  readonly updateTime: string;
  /** Where this copy of the index starts. */
  readonly location: TapePosition;
  /** Where the previous generation's index starts on the data partition (absent on the first). */
  readonly previousGenerationLocation: TapePosition | undefined;
  readonly allowPolicyUpdate: boolean;
  /** Data placement policy: files matching these go to the index partition. */
  readonly dataPlacementPolicy: { readonly size: number; readonly names: readonly string[] } | undefined;
  readonly highestFileUid: number;
  readonly volumeLockState: 'unlocked' | 'locked' | 'permlocked' | undefined;
  readonly root: LtfsDirectory;
}

/** An LTFS partition label (`ltfslabel`). */
export interface LtfsLabel {
  readonly version: string;
  readonly creator: string;
  readonly formatTime: string;
  readonly volumeUuid: string;
  /** The partition this label is on. */
  readonly partition: string;
  readonly indexPartition: string;
  readonly dataPartition: string;
  readonly blockSize: number;
  readonly compression: boolean;
}

/** Every file of an index (symlinks included), depth first, directories in index order. */
export function indexFiles(index: LtfsIndex): LtfsFile[] {
  const out: LtfsFile[] = [];
  const walk = (dir: LtfsDirectory): void => {
    out.push(...dir.files);
    for (const sub of dir.directories) walk(sub);
  };
  walk(index.root);
  return out;
}
