import { z } from 'zod';
import type {
  Annotation,
  AnnotationInput,
  Asset,
  AssetInput,
  FileLocationInput,
  RelatedAsset,
  RelatedAssetInput,
  Rendition,
  RenditionInput,
  Version,
  VersionInput,
  VersionRelation,
} from '../assets/index.js';
import {
  ClockSchema,
  LoggerSchema,
  parseInput,
  parseOptions,
  silentLogger,
  systemClock,
  TracerSchema,
  withSpan,
} from '../support/index.js';
import { type Principal, type PrincipalInput, PrincipalSchema } from './access.js';
import type { ListAnnotationsOptions } from './annotation-ops.js';
import * as annotations from './annotation-ops.js';
import type { UpdateAssetOptions } from './asset-ops.js';
import * as assets from './asset-ops.js';
import type { AuditAnchor, AuditEvent, AuditHead } from './audit.js';
import type { ReadAuditQuery } from './audit-ops.js';
import * as audit from './audit-ops.js';
import type { AuditVerification } from './audit-verify.js';
import type { CatalogContext, WriteOptions } from './context.js';
import type { DeriveInput, DeriveResult } from './derive-ops.js';
import * as derive from './derive-ops.js';
import type { RecordEventInput } from './event-ops.js';
import * as events from './event-ops.js';
import type { Genealogy, RelateInput } from './genealogy-ops.js';
import * as genealogy from './genealogy-ops.js';
import type { LeaseOptions } from './lease-ops.js';
import * as leases from './lease-ops.js';
import { checkArguments } from './limits.js';
import type { CatalogStore, Lease, Page } from './port.js';
import type { AnnotationQuery, AssetQuery, RecommendationQuery } from './search-model.js';
import * as versions from './version-ops.js';

/** Options for {@link createCatalog}. */
export const CatalogOptionsSchema = z.strictObject({
  /** Where records live: `createMemoryCatalogStore()`, or a PostgreSQL or PGlite store. */
  store: z.custom<CatalogStore>(
    (v) => typeof v === 'object' && v !== null && typeof (v as CatalogStore).transaction === 'function',
    {
      message: 'must be a CatalogStore',
    },
  ),
  /** The time source for audit instants and leases (default: the system clock). */
  clock: ClockSchema.optional(),
  /** Where the catalog logs (default: nowhere). */
  logger: LoggerSchema.optional(),
  /** An OpenTelemetry tracer: each catalog operation becomes a span `framewise.catalog.<operation>`. */
  tracer: TracerSchema.optional(),
  /**
   * Key for HMAC-SHA-256 audit hashes. With it, someone who can write to the database but does not
   * hold the key cannot forge a consistent chain. Keep it out of the database.
   */
  auditKey: z.union([z.string().min(16), z.instanceof(Uint8Array)]).optional(),
  /** Default check-out length; 15 minutes. */
  defaultLeaseMs: z
    .number()
    .int()
    .min(1_000)
    .max(7 * 86_400_000)
    .default(15 * 60_000),
});
/** Options for {@link createCatalog}. */
export type CatalogOptions = z.input<typeof CatalogOptionsSchema>;

/**
 * The asset catalog: the system of record every other capability reads and writes. Every
 * operation takes the acting principal; access is denied by default and granted per project
 * (production) by role. Every mutation appends a hash-chained audit event in the same
 * transaction.
 *
 * @example
 * ```ts
 * const catalog = createCatalog({ store: createMemoryCatalogStore() });
 * const editor = { id: 'ana', memberships: [{ project: 'drama', role: 'editor' }] };
 * const asset = await catalog.createAsset(editor, {
 *   project: 'drama', kind: 'episode', titles: [{ language: 'en', value: 'The Crossing' }],
 * });
 * const lease = await catalog.checkOut(editor, asset.id);
 * await catalog.updateAsset(editor, asset.id, { genres: ['drama'] }, { fence: lease.token });
 * ```
 */
export class Catalog {
  readonly #ctx: CatalogContext;

  /** @hidden Use {@link createCatalog}. */
  constructor(ctx: CatalogContext) {
    this.#ctx = ctx;
  }

  /** The store underneath (for its capabilities and `close()`). */
  get store(): CatalogStore {
    return this.#ctx.store;
  }

  // Assets

  /** Create an asset in a project you may write to. */
  createAsset(actor: PrincipalInput, input: AssetInput): Promise<Asset> {
    return assets.createAsset(this.#ctx, principal(actor), input);
  }
  /** Replace the given top-level fields of an asset (optimistic with `expectedRevision`, fenced with `fence`). */
  updateAsset(
    actor: PrincipalInput,
    id: string,
    patch: Partial<AssetInput>,
    options?: UpdateAssetOptions,
  ): Promise<Asset> {
    return assets.updateAsset(this.#ctx, principal(actor), id, patch, options);
  }
  /** Delete an asset and everything that belongs to it (managers and admins). */
  deleteAsset(actor: PrincipalInput, id: string, options?: WriteOptions): Promise<void> {
    return assets.deleteAsset(this.#ctx, principal(actor), id, options);
  }
  /** Read an asset. */
  getAsset(actor: PrincipalInput, id: string): Promise<Asset> {
    return assets.getAsset(this.#ctx, principal(actor), id);
  }
  /** Metadata search with paging and a stable sort, over the projects you may read. */
  searchAssets(actor: PrincipalInput, query?: AssetQuery): Promise<Page<Asset>> {
    return assets.searchAssets(this.#ctx, principal(actor), query);
  }
  /** Recommendation-metadata query: facets in, ranked asset ids out. */
  recommend(actor: PrincipalInput, query: RecommendationQuery): Promise<string[]> {
    return assets.recommend(this.#ctx, principal(actor), query);
  }
  /** Attach a thumbnail, poster, preview clip, trailer link or document. */
  addRelatedAsset(
    actor: PrincipalInput,
    assetId: string,
    input: RelatedAssetInput,
    options?: WriteOptions,
  ): Promise<RelatedAsset> {
    return assets.addRelatedAsset(this.#ctx, principal(actor), assetId, input, options);
  }
  /** The related assets of an asset. */
  listRelatedAssets(actor: PrincipalInput, assetId: string): Promise<RelatedAsset[]> {
    return assets.listRelatedAssets(this.#ctx, principal(actor), assetId);
  }

  // Versions and genealogy

  /** Add a version (a master, a proxy, a localisation) to an asset. */
  addVersion(actor: PrincipalInput, assetId: string, input: VersionInput, options?: WriteOptions): Promise<Version> {
    return versions.addVersion(this.#ctx, principal(actor), assetId, input, options);
  }
  /** Replace the given top-level fields of a version. */
  updateVersion(
    actor: PrincipalInput,
    versionId: string,
    patch: Partial<VersionInput>,
    options?: WriteOptions,
  ): Promise<Version> {
    return versions.updateVersion(this.#ctx, principal(actor), versionId, patch, options);
  }
  /** Record that a version's files moved; links by id (proxies, renditions) survive. `expectedRevision` makes it a compare-and-set. */
  relocateVersion(
    actor: PrincipalInput,
    versionId: string,
    locations: readonly FileLocationInput[],
    options?: versions.RelocateOptions,
  ): Promise<Version> {
    return versions.relocateVersion(this.#ctx, principal(actor), versionId, locations, options);
  }
  /** Read a version. */
  getVersion(actor: PrincipalInput, versionId: string): Promise<Version> {
    return versions.getVersion(this.#ctx, principal(actor), versionId);
  }
  /** The versions of an asset. */
  listVersions(actor: PrincipalInput, assetId: string): Promise<Version[]> {
    return versions.listVersions(this.#ctx, principal(actor), assetId);
  }
  /** Record a typed relation (`from` derives from `to`); cycles are refused. */
  relateVersions(actor: PrincipalInput, input: RelateInput, options?: WriteOptions): Promise<VersionRelation> {
    return genealogy.relateVersions(this.#ctx, principal(actor), input, options);
  }
  /** Create a derived version, relate it, and carry annotations through its edit list. */
  deriveVersion(actor: PrincipalInput, input: DeriveInput, options?: WriteOptions): Promise<DeriveResult> {
    return derive.deriveVersion(this.#ctx, principal(actor), input, options);
  }
  /** Versions a version derives from, transitively. */
  ancestors(actor: PrincipalInput, versionId: string): Promise<Genealogy> {
    return genealogy.ancestors(this.#ctx, principal(actor), versionId);
  }
  /** Versions derived from a version, transitively. */
  descendants(actor: PrincipalInput, versionId: string): Promise<Genealogy> {
    return genealogy.descendants(this.#ctx, principal(actor), versionId);
  }
  /** The lineage of a deliverable back to its camera originals. */
  lineage(actor: PrincipalInput, versionId: string): Promise<Genealogy & { readonly originals: readonly Version[] }> {
    return genealogy.lineage(this.#ctx, principal(actor), versionId);
  }
  /** Point a proxy at a (new) high-resolution original. */
  relinkProxy(
    actor: PrincipalInput,
    proxyId: string,
    originalId: string,
    options?: WriteOptions,
  ): Promise<VersionRelation> {
    return genealogy.relinkProxy(this.#ctx, principal(actor), proxyId, originalId, options);
  }
  /** Register a rendition of a version (idempotent for the same id and content). */
  registerRendition(
    actor: PrincipalInput,
    versionId: string,
    input: RenditionInput,
    options?: WriteOptions,
  ): Promise<Rendition> {
    return versions.registerRendition(this.#ctx, principal(actor), versionId, input, options);
  }
  /** The renditions of a version. */
  listRenditions(actor: PrincipalInput, versionId: string): Promise<Rendition[]> {
    return versions.listRenditions(this.#ctx, principal(actor), versionId);
  }

  // Annotations

  /** Add timecoded annotations to a version, in one transaction and one audit event. */
  addAnnotations(
    actor: PrincipalInput,
    versionId: string,
    inputs: readonly AnnotationInput[],
    options?: WriteOptions,
  ): Promise<Annotation[]> {
    return annotations.addAnnotations(this.#ctx, principal(actor), versionId, inputs, options);
  }
  /** Replace the given fields of an annotation. */
  updateAnnotation(
    actor: PrincipalInput,
    id: string,
    patch: Partial<AnnotationInput>,
    options?: WriteOptions,
  ): Promise<Annotation> {
    return annotations.updateAnnotation(this.#ctx, principal(actor), id, patch, options);
  }
  /** Delete annotations. */
  deleteAnnotations(actor: PrincipalInput, ids: readonly string[], options?: WriteOptions): Promise<void> {
    return annotations.deleteAnnotations(this.#ctx, principal(actor), ids, options);
  }
  /** Timecode and text search over annotations. */
  findAnnotations(actor: PrincipalInput, query: AnnotationQuery): Promise<Page<Annotation>> {
    return annotations.findAnnotations(this.#ctx, principal(actor), query);
  }
  /** Every annotation of a version in media-time order (read page by page; see {@link listAnnotationsPage}). */
  listAnnotations(actor: PrincipalInput, versionId: string): Promise<Annotation[]> {
    return annotations.listAnnotations(this.#ctx, principal(actor), versionId);
  }
  /** One page of a version's annotations in media-time order: pass `next` as `after` for the next. */
  listAnnotationsPage(
    actor: PrincipalInput,
    versionId: string,
    options?: ListAnnotationsOptions,
  ): Promise<Page<Annotation>> {
    return annotations.listAnnotationsPage(this.#ctx, principal(actor), versionId, options);
  }

  // Check-out

  /** Check an asset out exclusively; returns the lease with its fencing token. */
  checkOut(actor: PrincipalInput, assetId: string, options?: LeaseOptions): Promise<Lease> {
    return leases.checkOut(this.#ctx, principal(actor), assetId, options);
  }
  /** Extend your active lease. */
  renewLease(actor: PrincipalInput, assetId: string, token: number, options?: LeaseOptions): Promise<Lease> {
    return leases.renewLease(this.#ctx, principal(actor), assetId, token, options);
  }
  /** Check an asset back in. */
  checkIn(actor: PrincipalInput, assetId: string, token: number): Promise<void> {
    return leases.checkIn(this.#ctx, principal(actor), assetId, token);
  }
  /** End another principal's lease (managers and admins). */
  breakLease(actor: PrincipalInput, assetId: string): Promise<void> {
    return leases.breakLease(this.#ctx, principal(actor), assetId);
  }
  /** The asset's current lease, if any. */
  getLease(actor: PrincipalInput, assetId: string): Promise<Lease | undefined> {
    return leases.getLease(this.#ctx, principal(actor), assetId);
  }

  // Audit

  /**
   * Record an action taken outside the catalog (a takedown when a rights window closes, a delivery)
   * in the hash-chained audit trail. Needs write access to the asset's project.
   */
  recordEvent(actor: PrincipalInput, input: RecordEventInput): Promise<AuditEvent> {
    return events.recordEvent(this.#ctx, principal(actor), input);
  }

  /** Audit events: one project's chain from a sequence number, or every chain you may audit merged by time. */
  readAudit(actor: PrincipalInput, query?: ReadAuditQuery): Promise<AuditEvent[]> {
    return audit.readAudit(this.#ctx, principal(actor), query);
  }
  /** Verify the whole audit trail; pass an anchor recorded elsewhere to detect truncation and rewrites. */
  verifyAuditTrail(
    actor: PrincipalInput,
    options?: { readonly expectedHead?: AuditHead | AuditAnchor },
  ): Promise<AuditVerification> {
    return audit.verifyCatalogAudit(this.#ctx, principal(actor), options);
  }
  /** The anchor over every project's audit chain (signed with the audit key), to record elsewhere. */
  auditHead(actor: PrincipalInput): Promise<AuditAnchor> {
    return audit.auditHead(this.#ctx, principal(actor));
  }

  // With a tracer, every operation above runs in a span `framewise.catalog.<operation>`.
  static {
    for (const name of Object.getOwnPropertyNames(Catalog.prototype)) {
      const operation = Object.getOwnPropertyDescriptor(Catalog.prototype, name)?.value as unknown;
      if (name === 'constructor' || typeof operation !== 'function') continue;
      Object.defineProperty(Catalog.prototype, name, {
        configurable: true,
        writable: true,
        value: function traced(this: Catalog, ...args: unknown[]): Promise<unknown> {
          const run = () => {
            try {
              checkArguments(`Catalog.${name}`, args);
              return (operation as (...a: unknown[]) => Promise<unknown>).apply(this, args);
            } catch (error) {
              return Promise.reject(error);
            }
          };
          const tracer = this.#ctx.tracer;
          if (tracer === undefined) return run();
          const actor = (args[0] as { id?: unknown } | undefined)?.id;
          return withSpan(
            tracer,
            `framewise.catalog.${name}`,
            {
              'framewise.catalog.store': this.#ctx.store.name,
              'framewise.actor': typeof actor === 'string' ? actor : undefined,
            },
            run,
          );
        },
      });
    }
  }
}

function principal(input: PrincipalInput): Principal {
  return parseInput(PrincipalSchema, input, 'Principal');
}

/** Create a catalog over a store. No I/O happens until the first operation. */
export function createCatalog(options: CatalogOptions): Catalog {
  const o = parseOptions(CatalogOptionsSchema, options, 'Catalog options');
  return new Catalog({
    store: o.store,
    clock: o.clock ?? systemClock,
    logger: o.logger ?? silentLogger,
    tracer: o.tracer,
    auditKey: o.auditKey,
    defaultLeaseMs: o.defaultLeaseMs,
  });
}
