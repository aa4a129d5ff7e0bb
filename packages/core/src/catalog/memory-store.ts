import { z } from 'zod';
import type { Annotation, Asset } from '../assets/index.js';
import { FramewiseError } from '../errors/index.js';
import { parseOptions } from '../support/index.js';
import type { AuditEvent, AuditHead } from './audit.js';
import { GENESIS_HASH } from './audit.js';
import {
  annotationMatches,
  assetMatches,
  assetSortValue,
  compareKeys,
  compareRecommendations,
  recommendationScore,
} from './match.js';
import type {
  AnnotationIndex,
  AssetIndex,
  CatalogStore,
  CatalogTx,
  EntityFilter,
  EntityKind,
  EntityMap,
  Lease,
  Page,
} from './port.js';
import {
  type AnnotationSearch,
  type AssetSearch,
  type Cursor,
  compareCodePoints,
  encodeCursor,
  type RecommendationSearch,
} from './search-model.js';

interface AssetEntry {
  readonly asset: Asset;
  readonly index: AssetIndex;
}
interface AnnotationEntry {
  readonly annotation: Annotation;
  readonly index: AnnotationIndex;
}
type AnyEntity = EntityMap[EntityKind];

const KINDS: readonly EntityKind[] = ['version', 'relation', 'rendition', 'related'];
/** Copy a record in and freeze it deeply: stored records are immutable, so reads need no copy. */
function frozenCopy<T>(value: T): T {
  return deepFreeze(structuredClone(value));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Postings: value → ids, for the facets searches and recommendations intersect. */
class Postings {
  private readonly map = new Map<string, Set<string>>();
  add(values: readonly string[], id: string): void {
    for (const v of values) {
      const set = this.map.get(v);
      if (set === undefined) this.map.set(v, new Set([id]));
      else set.add(id);
    }
  }
  remove(values: readonly string[], id: string): void {
    for (const v of values) this.map.get(v)?.delete(id);
  }
  /** The postings of each of `values` (an OR-group: an id in any of them matches). */
  any(values: readonly string[]): Set<string>[] {
    const sets: Set<string>[] = [];
    for (const v of values) {
      const set = this.map.get(v);
      if (set !== undefined) sets.push(set);
    }
    return sets;
  }
}

function byStart(a: AnnotationEntry, b: AnnotationEntry): number {
  return a.index.startUs - b.index.startUs || compareCodePoints(a.annotation.id, b.annotation.id);
}

/** The committed state of the in-memory store, with its indexes. */
class MemoryState {
  readonly assets = new Map<string, AssetEntry>();
  readonly entities = new Map<EntityKind, Map<string, AnyEntity>>(KINDS.map((k) => [k, new Map()]));
  readonly annotations = new Map<string, AnnotationEntry>();
  readonly leases = new Map<string, Lease>();
  /** Each project's audit chain, in sequence order. */
  readonly audit = new Map<string, AuditEvent[]>();
  readonly postings = {
    project: new Postings(),
    kind: new Postings(),
    genre: new Postings(),
    mood: new Postings(),
    people: new Postings(),
    language: new Postings(),
    rating: new Postings(),
    token: new Postings(),
  };
  readonly annotationTokens = new Postings();
  readonly annotationsByVersion = new Map<string, AnnotationEntry[]>();
  private readonly dirtyVersions = new Set<string>();
  private sortedAnnotations: AnnotationEntry[] | undefined;
  private readonly sortedAssets = new Map<string, AssetEntry[]>();

  putAsset(entry: AssetEntry): void {
    this.removeAsset(entry.asset.id);
    const { asset, index } = entry;
    this.assets.set(asset.id, entry);
    const p = this.postings;
    p.project.add([asset.project], asset.id);
    p.kind.add([asset.kind], asset.id);
    p.genre.add(index.genres, asset.id);
    p.mood.add(index.moods, asset.id);
    p.people.add(index.people, asset.id);
    p.language.add(index.languages, asset.id);
    p.rating.add(index.ratingKeys, asset.id);
    p.token.add(index.tokens, asset.id);
    this.sortedAssets.clear();
  }

  removeAsset(id: string): void {
    const old = this.assets.get(id);
    if (old === undefined) return;
    const { asset, index } = old;
    const p = this.postings;
    p.project.remove([asset.project], id);
    p.kind.remove([asset.kind], id);
    p.genre.remove(index.genres, id);
    p.mood.remove(index.moods, id);
    p.people.remove(index.people, id);
    p.language.remove(index.languages, id);
    p.rating.remove(index.ratingKeys, id);
    p.token.remove(index.tokens, id);
    this.assets.delete(id);
    this.sortedAssets.clear();
  }

  putAnnotation(entry: AnnotationEntry): void {
    this.removeAnnotation(entry.annotation.id);
    this.annotations.set(entry.annotation.id, entry);
    this.annotationTokens.add(entry.index.tokens, entry.annotation.id);
    const list = this.annotationsByVersion.get(entry.annotation.versionId);
    if (list === undefined) this.annotationsByVersion.set(entry.annotation.versionId, [entry]);
    else list.push(entry);
    this.dirtyVersions.add(entry.annotation.versionId);
    this.sortedAnnotations = undefined;
  }

  removeAnnotation(id: string): void {
    const old = this.annotations.get(id);
    if (old === undefined) return;
    this.annotations.delete(id);
    this.annotationTokens.remove(old.index.tokens, id);
    const list = this.annotationsByVersion.get(old.annotation.versionId);
    if (list !== undefined) {
      const at = list.findIndex((e) => e.annotation.id === id);
      if (at >= 0) list.splice(at, 1);
    }
    this.sortedAnnotations = undefined;
  }

  /** A version's annotations ordered by (startUs, id). */
  versionAnnotations(versionId: string): readonly AnnotationEntry[] {
    const list = this.annotationsByVersion.get(versionId) ?? [];
    if (this.dirtyVersions.delete(versionId)) list.sort(byStart);
    return list;
  }

  /** Every annotation ordered by (startUs, id); rebuilt lazily after writes. */
  allAnnotations(): readonly AnnotationEntry[] {
    if (this.sortedAnnotations === undefined) this.sortedAnnotations = [...this.annotations.values()].sort(byStart);
    return this.sortedAnnotations;
  }

  /** Assets ordered by a sort field ascending; rebuilt lazily after writes. */
  assetsSortedBy(field: AssetSearch['sortField']): readonly AssetEntry[] {
    let sorted = this.sortedAssets.get(field);
    if (sorted === undefined) {
      const keyed = [...this.assets.values()].map((e) => ({
        e,
        key: { value: assetSortValue(e.asset, e.index, field), id: e.asset.id },
      }));
      keyed.sort((a, b) => compareKeys(a.key, b.key));
      sorted = keyed.map((k) => k.e);
      this.sortedAssets.set(field, sorted);
    }
    return sorted;
  }
}

/** Staged writes of one transaction, visible to its own reads, applied on commit. */
class MemoryTx implements CatalogTx {
  private readonly assets = new Map<string, AssetEntry | null>();
  private readonly entities = new Map<EntityKind, Map<string, AnyEntity | null>>(KINDS.map((k) => [k, new Map()]));
  private readonly annotations = new Map<string, AnnotationEntry | null>();
  private readonly leases = new Map<string, Lease | null>();
  private readonly appended: AuditEvent[] = [];

  constructor(private readonly state: MemoryState) {}

  async lockAuditHead(project: string): Promise<AuditHead> {
    return headOf(this.state.audit.get(project) ?? []);
  }
  async getAsset(id: string): Promise<Asset | undefined> {
    const staged = this.assets.get(id);
    if (staged !== undefined) return staged === null ? undefined : staged.asset;
    const entry = this.state.assets.get(id);
    return entry?.asset;
  }
  async getEntity<K extends EntityKind>(kind: K, id: string): Promise<EntityMap[K] | undefined> {
    const staged = this.entities.get(kind)?.get(id);
    if (staged !== undefined) return staged === null ? undefined : (staged as EntityMap[K]);
    const found = this.state.entities.get(kind)?.get(id);
    return found as EntityMap[K] | undefined;
  }
  async listEntities<K extends EntityKind>(kind: K, filter: EntityFilter): Promise<EntityMap[K][]> {
    const staged = this.entities.get(kind) as Map<string, EntityMap[K] | null>;
    const base = [...(this.state.entities.get(kind) as Map<string, EntityMap[K]>).values()].filter(
      (e) => !staged.has(e.id),
    );
    const merged = [...base, ...[...staged.values()].filter((e): e is EntityMap[K] => e !== null)];
    return sortById(merged.filter((e) => entityMatches(e, filter)));
  }
  async getAnnotation(id: string): Promise<Annotation | undefined> {
    const staged = this.annotations.get(id);
    if (staged !== undefined) return staged === null ? undefined : staged.annotation;
    const entry = this.state.annotations.get(id);
    return entry?.annotation;
  }
  async listAnnotations(versionId: string): Promise<Annotation[]> {
    const base = this.state.versionAnnotations(versionId).filter((e) => !this.annotations.has(e.annotation.id));
    const staged = [...this.annotations.values()].filter(
      (e): e is AnnotationEntry => e !== null && e.annotation.versionId === versionId,
    );
    return [...base, ...staged].sort(byStart).map((e) => e.annotation);
  }
  async getLease(assetId: string): Promise<Lease | undefined> {
    const staged = this.leases.get(assetId);
    if (staged !== undefined) return staged ?? undefined;
    return this.state.leases.get(assetId);
  }
  async putAsset(asset: Asset, index: AssetIndex): Promise<void> {
    this.assets.set(asset.id, { asset: frozenCopy(asset), index: deepFreeze({ ...index }) });
  }
  async deleteAsset(id: string): Promise<void> {
    this.assets.set(id, null);
    const versions = await this.listEntities('version', { assetId: id });
    for (const v of versions) {
      for (const r of await this.listEntities('relation', { from: v.id })) {
        this.entities.get('relation')?.set(r.id, null);
      }
    }
    for (const kind of KINDS) {
      for (const e of await this.listEntities(kind, { assetId: id })) this.entities.get(kind)?.set(e.id, null);
    }
    for (const entry of this.state.annotations.values())
      if (entry.annotation.assetId === id) this.annotations.set(entry.annotation.id, null);
    for (const [key, entry] of this.annotations)
      if (entry !== null && entry.annotation.assetId === id) this.annotations.set(key, null);
    this.leases.set(id, null);
  }
  async putEntity<K extends EntityKind>(kind: K, record: EntityMap[K]): Promise<void> {
    this.entities.get(kind)?.set(record.id, frozenCopy(record));
  }
  async deleteEntity(kind: EntityKind, id: string): Promise<void> {
    this.entities.get(kind)?.set(id, null);
  }
  async putAnnotations(records: readonly { annotation: Annotation; index: AnnotationIndex }[]): Promise<void> {
    for (const r of records)
      this.annotations.set(r.annotation.id, { annotation: frozenCopy(r.annotation), index: r.index });
  }
  async deleteAnnotations(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.annotations.set(id, null);
  }
  async putLease(lease: Lease): Promise<void> {
    this.leases.set(lease.assetId, Object.freeze({ ...lease }));
  }
  async deleteLease(assetId: string): Promise<void> {
    this.leases.set(assetId, null);
  }
  async existingAnnotationIds(ids: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    for (const id of ids) if ((await this.getAnnotation(id)) !== undefined) found.push(id);
    return found;
  }
  async appendAudit(event: AuditEvent): Promise<void> {
    this.appended.push(frozenCopy(event));
  }

  async findAuditByOperation(project: string, operationId: string): Promise<AuditEvent | undefined> {
    const staged = this.appended.find((e) => e.project === project && e.operationId === operationId);
    return staged ?? (this.state.audit.get(project) ?? []).find((e) => e.operationId === operationId);
  }

  commit(): void {
    const s = this.state;
    for (const [id, entry] of this.assets) entry === null ? s.removeAsset(id) : s.putAsset(entry);
    for (const [kind, staged] of this.entities) {
      const map = s.entities.get(kind) as Map<string, AnyEntity>;
      for (const [id, e] of staged) e === null ? map.delete(id) : map.set(id, e);
    }
    for (const [id, entry] of this.annotations) entry === null ? s.removeAnnotation(id) : s.putAnnotation(entry);
    for (const [id, lease] of this.leases) lease === null ? s.leases.delete(id) : s.leases.set(id, lease);
    for (const event of this.appended) {
      const chain = s.audit.get(event.project);
      if (chain === undefined) s.audit.set(event.project, [event]);
      else chain.push(event);
    }
  }
}

function headOf(audit: readonly AuditEvent[]): AuditHead {
  const last = audit[audit.length - 1];
  return last === undefined ? { seq: 0, hash: GENESIS_HASH } : { seq: last.seq, hash: last.hash };
}

function entityMatches(e: AnyEntity, f: EntityFilter): boolean {
  const r = e as Partial<Record<'assetId' | 'versionId' | 'from' | 'to', string>>;
  return (
    (f.assetId === undefined || r.assetId === f.assetId) &&
    (f.versionId === undefined || r.versionId === f.versionId) &&
    (f.from === undefined || r.from === f.from) &&
    (f.to === undefined || r.to === f.to)
  );
}

function sortById<T extends { id: string }>(items: T[]): T[] {
  return items.sort((a, b) => compareCodePoints(a.id, b.id));
}

/**
 * Ids present in every OR-group (an id is in a group when any set of the group has it), driven by
 * the group with the fewest postings, without materialising unions.
 */
function intersect(groups: Set<string>[][]): Set<string> {
  const size = (g: Set<string>[]) => g.reduce((n, set) => n + set.size, 0);
  const ordered = [...groups].sort((a, b) => size(a) - size(b));
  const [driver = [], ...rest] = ordered;
  const out = new Set<string>();
  for (const set of driver) {
    for (const id of set) {
      if (!out.has(id) && rest.every((g) => g.some((other) => other.has(id)))) out.add(id);
    }
  }
  return out;
}

/** Options for {@link createMemoryCatalogStore}. */
export const MemoryCatalogStoreOptionsSchema = z.strictObject({
  /** Name for logs; default `memory`. */
  name: z.string().min(1).max(200).optional(),
});
/** Options for {@link createMemoryCatalogStore}. */
export type MemoryCatalogStoreOptions = z.input<typeof MemoryCatalogStoreOptionsSchema>;

/**
 * The in-memory catalog store: complete, indexed, transactional within one process, and gone when
 * the process ends. The default for tests and embedded use; PostgreSQL and PGlite stores live in
 * `@framewise/adapters-storage`.
 *
 * Indexes: postings per facet for searches and recommendations, per-version annotation lists and
 * a global list ordered by media time (re-sorted lazily after writes). Memory is proportional to
 * the records held.
 */
export function createMemoryCatalogStore(input: MemoryCatalogStoreOptions = {}): CatalogStore {
  const options = parseOptions(MemoryCatalogStoreOptionsSchema, input, 'Memory catalog store options');
  const state = new MemoryState();
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const reader = new MemoryTx(state);

  const pageOf = <T>(items: T[], limit: number, cursorOf: (item: T) => unknown): Page<T> => {
    if (items.length <= limit) return { items };
    const page = items.slice(0, limit);
    return { items: page, next: encodeCursor(cursorOf(page[page.length - 1] as T)) };
  };

  const closedError = () =>
    new FramewiseError('CONFLICT', `Catalog store "${options.name ?? 'memory'}" is closed`, {
      details: { store: options.name ?? 'memory' },
    });
  const store: CatalogStore = {
    name: options.name ?? 'memory',
    capabilities: { durable: false, multiProcess: false },

    transaction<T>(fn: (tx: CatalogTx) => Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        if (closed) throw closedError();
        const tx = new MemoryTx(state);
        const result = await fn(tx);
        tx.commit();
        return result;
      });
      queue = run.catch(() => undefined);
      return run;
    },

    getAsset: (id) => reader.getAsset(id),
    getEntity: (kind, id) => reader.getEntity(kind, id),
    listEntities: (kind, filter) => reader.listEntities(kind, filter),
    getAnnotation: (id) => reader.getAnnotation(id),
    listAnnotations: (versionId) => reader.listAnnotations(versionId),
    getLease: (assetId) => reader.getLease(assetId),

    async searchAssets(q: AssetSearch): Promise<Page<Asset>> {
      const p = state.postings;
      const sets: Set<string>[][] = [];
      if (q.projects !== undefined) sets.push(p.project.any(q.projects));
      if (q.kinds !== undefined) sets.push(p.kind.any(q.kinds));
      if (q.genres !== undefined) sets.push(p.genre.any(q.genres));
      if (q.languages !== undefined) sets.push(p.language.any(q.languages));
      if (q.ratingKeys !== undefined) sets.push(p.rating.any(q.ratingKeys));
      for (const token of q.tokens ?? []) sets.push(p.token.any([token]));
      const keyOf = (e: AssetEntry): Cursor => ({
        value: assetSortValue(e.asset, e.index, q.sortField),
        id: e.asset.id,
      });
      const afterOk = (e: AssetEntry) => {
        if (q.after === undefined) return true;
        const c = compareKeys(keyOf(e), q.after);
        return q.descending ? c < 0 : c > 0;
      };
      // Expected matches if facets were independent: materialise and sort a small intersection;
      // otherwise walk the pre-sorted list from the cursor and stop at the page size.
      const total = Math.max(1, state.assets.size);
      const expected = sets.reduce((n, g) => n * (g.reduce((m, set) => m + set.size, 0) / total), total);
      const out: AssetEntry[] = [];
      if (sets.length > 0 && expected < 2_000) {
        const keyed = [...intersect(sets)]
          .map((id) => state.assets.get(id) as AssetEntry)
          .filter((e) => assetMatches(e.asset, e.index, q) && afterOk(e))
          .map((e) => ({ e, key: keyOf(e) }));
        keyed.sort((a, b) => (q.descending ? -1 : 1) * compareKeys(a.key, b.key));
        out.push(...keyed.slice(0, q.limit + 1).map((k) => k.e));
      } else {
        const sorted = state.assetsSortedBy(q.sortField);
        const n = sorted.length;
        // First position past the cursor in the walking direction.
        let lo = 0;
        let hi = n;
        if (q.after !== undefined) {
          const after = q.after;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            const c = compareKeys(keyOf(sorted[q.descending ? n - 1 - mid : mid] as AssetEntry), after);
            if (q.descending ? c >= 0 : c <= 0) lo = mid + 1;
            else hi = mid;
          }
        }
        for (let i = lo; i < n && out.length <= q.limit; i++) {
          const e = sorted[q.descending ? n - 1 - i : i] as AssetEntry;
          if (assetMatches(e.asset, e.index, q)) out.push(e);
        }
      }
      const page = pageOf(out, q.limit, keyOf);
      return { items: page.items.map((e) => e.asset), next: page.next };
    },

    async findAnnotations(q: AnnotationSearch): Promise<Page<Annotation>> {
      let source: readonly AnnotationEntry[];
      let from = 0;
      if (q.versionId !== undefined) {
        source = state.versionAnnotations(q.versionId);
      } else if (q.tokens !== undefined && q.tokens.length > 0) {
        const ids = intersect(q.tokens.map((t) => state.annotationTokens.any([t])));
        source = [...ids].map((id) => state.annotations.get(id) as AnnotationEntry).sort(byStart);
      } else {
        source = state.allAnnotations();
        if (q.startWithin !== undefined) {
          const lowUs = Math.floor((q.startWithin.start.num * 1_000_000) / q.startWithin.start.den) - 1;
          from = lowerBound(source, lowUs);
        }
      }
      if (q.after !== undefined) from = Math.max(from, lowerBound(source, q.after.startUs));
      const highUs =
        q.startWithin === undefined
          ? Number.POSITIVE_INFINITY
          : Math.ceil((q.startWithin.end.num * 1_000_000) / q.startWithin.end.den) + 1;
      const out: AnnotationEntry[] = [];
      for (let i = from; i < source.length && out.length <= q.limit; i++) {
        const e = source[i] as AnnotationEntry;
        if (e.index.startUs > highUs) break;
        if (q.after !== undefined && byStartKey(e, q.after) <= 0) continue;
        if (annotationMatches(e.annotation, e.index, q)) out.push(e);
      }
      const page = pageOf(out, q.limit, (e) => ({ startUs: e.index.startUs, id: e.annotation.id }));
      return { items: page.items.map((e) => e.annotation), next: page.next };
    },

    async recommend(q: RecommendationSearch): Promise<string[]> {
      const p = state.postings;
      const sets: Set<string>[][] = [];
      if (q.genres !== undefined) sets.push(p.genre.any(q.genres));
      if (q.moods !== undefined) sets.push(p.mood.any(q.moods));
      if (q.people !== undefined) sets.push(p.people.any(q.people));
      if (q.languages !== undefined) sets.push(p.language.any(q.languages));
      if (q.kinds !== undefined) sets.push(p.kind.any(q.kinds));
      if (q.ratingKeys !== undefined) sets.push(p.rating.any(q.ratingKeys));
      if (q.projects !== undefined) sets.push(p.project.any(q.projects));
      const ids = sets.length > 0 ? intersect(sets) : new Set(state.assets.keys());
      const ranked: { score: number; popularity: number; id: string }[] = [];
      for (const id of ids) {
        const e = state.assets.get(id) as AssetEntry;
        const score = recommendationScore(e.asset, e.index, q);
        if (score >= 0) ranked.push({ score, popularity: e.index.popularity, id });
      }
      ranked.sort(compareRecommendations);
      return ranked.slice(0, q.limit).map((r) => r.id);
    },

    async readAudit(project: string, fromSeq: number, limit: number): Promise<AuditEvent[]> {
      const start = Math.max(0, fromSeq - 1);
      return (state.audit.get(project) ?? []).slice(start, start + limit);
    },
    async auditHeads(): Promise<Record<string, AuditHead>> {
      const heads: Record<string, AuditHead> = {};
      for (const [project, chain] of state.audit) heads[project] = headOf(chain);
      return heads;
    },
    async auditProjects(): Promise<string[]> {
      return [...state.audit.keys()];
    },
    async close(): Promise<void> {
      closed = true;
      await queue;
    },
  };
  // Reads refuse once closed too: one answer, CONFLICT, for every use of a closed store.
  const methods = store as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(methods)) {
    if (key === 'close' || key === 'transaction' || typeof value !== 'function') continue;
    const read = value as (...args: unknown[]) => Promise<unknown>;
    methods[key] = (...args: unknown[]) => (closed ? Promise.reject(closedError()) : read.apply(store, args));
  }
  return store;
}

function lowerBound(list: readonly AnnotationEntry[], startUs: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as AnnotationEntry).index.startUs < startUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function byStartKey(e: AnnotationEntry, key: { startUs: number; id: string }): number {
  return e.index.startUs - key.startUs || compareCodePoints(e.annotation.id, key.id);
}
