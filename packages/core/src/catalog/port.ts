import type { Annotation, Asset, RelatedAsset, Rendition, Version, VersionRelation } from '../assets/index.js';
import type { AuditEvent, AuditHead } from './audit.js';
import type {
  AnnotationIndex,
  AnnotationSearch,
  AssetIndex,
  AssetSearch,
  RecommendationSearch,
} from './search-model.js';

export type { AnnotationIndex, AssetIndex } from './search-model.js';

/** An exclusive check-out of an asset. */
export interface Lease {
  readonly assetId: string;
  /** The principal holding it. */
  readonly holder: string;
  /** Fencing token: increases with every new check-out of the asset. */
  readonly token: number;
  readonly acquiredAt: string;
  readonly expiresAt: string;
  readonly note?: string | undefined;
}

/** Entities stored beside assets, each belonging to one asset. */
export interface EntityMap {
  version: Version;
  relation: VersionRelation;
  rendition: Rendition;
  related: RelatedAsset;
}
/** The kinds of {@link EntityMap}. */
export type EntityKind = keyof EntityMap;

/** Filter for {@link CatalogReader.listEntities}: every given field must match. */
export interface EntityFilter {
  readonly assetId?: string;
  /** Renditions of a version. */
  readonly versionId?: string;
  /** Relations whose derived side is this version. */
  readonly from?: string;
  /** Relations whose source side is this version. */
  readonly to?: string;
}

/** Read operations every store offers, inside and outside transactions. */
export interface CatalogReader {
  getAsset(id: string): Promise<Asset | undefined>;
  getEntity<K extends EntityKind>(kind: K, id: string): Promise<EntityMap[K] | undefined>;
  listEntities<K extends EntityKind>(kind: K, filter: EntityFilter): Promise<EntityMap[K][]>;
  getAnnotation(id: string): Promise<Annotation | undefined>;
  listAnnotations(versionId: string): Promise<Annotation[]>;
  getLease(assetId: string): Promise<Lease | undefined>;
}

/**
 * A write transaction; the store applies everything or nothing. Writers are serialised per asset
 * (reading an asset inside a write transaction locks it until the transaction ends, where the
 * store has concurrent writers) and per project chain (see {@link CatalogTx.lockAuditHead}), so
 * writers in different projects never wait for each other.
 */
export interface CatalogTx extends CatalogReader {
  /**
   * The current instant in ms by the store's own clock (PostgreSQL: the server's
   * `clock_timestamp()`), so that every process judges lease expiry by one clock. Stores without
   * a shared clock omit it and the catalog's clock is used.
   */
  now?(): Promise<number>;
  /**
   * Lock and return the head of a project's audit chain until the transaction ends (the genesis
   * head for a project without events). Called before the first event of that project.
   */
  lockAuditHead(project: string): Promise<AuditHead>;
  /**
   * The project of an asset, read without locking the asset (unlike {@link CatalogReader.getAsset}
   * inside a transaction). The genealogy cycle check uses it to judge which versions the caller may
   * read without taking locks on other projects' assets. Stores whose `getAsset` does not lock may
   * omit it (the catalog then uses `getAsset`).
   */
  projectOf?(assetId: string): Promise<string | undefined>;
  putAsset(asset: Asset, index: AssetIndex): Promise<void>;
  /**
   * Insert a new asset in one round trip, or write nothing and return `false` when its id is
   * taken (also by a concurrent transaction that commits first). Stores may omit it: the catalog
   * then reads the id first and uses {@link CatalogTx.putAsset}.
   */
  insertAsset?(asset: Asset, index: AssetIndex): Promise<boolean>;
  /**
   * Delete an asset and everything that belongs to it: versions, relations whose `from` version is
   * one of its versions, renditions, related assets, annotations, lease. Relations from other
   * assets pointing at its versions are left alone (the catalog deletes or tombstones them first).
   */
  deleteAsset(id: string): Promise<void>;
  putEntity<K extends EntityKind>(kind: K, record: EntityMap[K]): Promise<void>;
  deleteEntity(kind: EntityKind, id: string): Promise<void>;
  putAnnotations(
    records: readonly { readonly annotation: Annotation; readonly index: AnnotationIndex }[],
  ): Promise<void>;
  deleteAnnotations(ids: readonly string[]): Promise<void>;
  /** Which of these annotation ids exist already (one query for a whole batch). */
  existingAnnotationIds(ids: readonly string[]): Promise<string[]>;
  putLease(lease: Lease): Promise<void>;
  deleteLease(assetId: string): Promise<void>;
  /** Append an event to its project's chain and move that chain's head to it. */
  appendAudit(event: AuditEvent): Promise<void>;
  /**
   * The event of a project's chain carrying this `operationId`, if any (called with the chain's
   * head locked). Optional: without it the catalog reads the chain through
   * {@link CatalogStore.readAudit} to find it, which is correct but linear in the chain's length.
   */
  findAuditByOperation?(project: string, operationId: string): Promise<AuditEvent | undefined>;
}

/** What a store can do; hosts and tests branch on these. */
export interface CatalogStoreCapabilities {
  /** Data survives a restart of the process. */
  readonly durable: boolean;
  /** Several processes may write at once (transactions are isolated across processes). */
  readonly multiProcess: boolean;
}

/** A page of results with the cursor for the next page. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `after` to get the next page; absent on the last page. */
  readonly next?: string | undefined;
}

/**
 * The catalog store port (driver layer): persistence, transactions and indexed queries. Core's
 * {@link Catalog} wraps it with validation, access control, leases and the audit trail. Implement
 * it and run `catalogStoreConformance` from `@framewise/core/testing` to add a store.
 */
export interface CatalogStore extends CatalogReader {
  /** Short name for logs, e.g. `memory`, `postgres`, `pglite`. */
  readonly name: string;
  readonly capabilities: CatalogStoreCapabilities;
  /** Run `fn` in one atomic, isolated write transaction. */
  transaction<T>(fn: (tx: CatalogTx) => Promise<T>): Promise<T>;
  searchAssets(query: AssetSearch): Promise<Page<Asset>>;
  findAnnotations(query: AnnotationSearch): Promise<Page<Annotation>>;
  recommend(query: RecommendationSearch): Promise<string[]>;
  /** A project's audit events with `seq >= fromSeq`, in sequence order, at most `limit`. */
  readAudit(project: string, fromSeq: number, limit: number): Promise<AuditEvent[]>;
  /** The stored head of every project's audit chain. */
  auditHeads(): Promise<Record<string, AuditHead>>;
  /** Every project with audit events or a stored head (to verify chains whose head is gone too). */
  auditProjects(): Promise<string[]>;
  /** Release connections and files. */
  close(): Promise<void>;
}
