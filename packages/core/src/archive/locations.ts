import { z } from 'zod';
import { IdSchema } from '../assets/common.js';

/** Storage tiers, fastest and dearest first. */
export const StorageTierSchema = z.enum(['online', 'nearline', 'archive', 'deep-archive']);
/** A storage tier: `online` (immediate), `nearline` (seconds), `archive` (hours to restore), `deep-archive` (up to days). */
export type StorageTier = z.output<typeof StorageTierSchema>;

/** The physical media a location writes to; 3-2-1 counts distinct media types. */
export const StorageMediaSchema = z.enum(['disk', 'object', 'tape', 'optical']);
/** The physical media of a storage location. */
export type StorageMedia = z.output<typeof StorageMediaSchema>;

/** What a location costs, in one currency per deployment (the host's choice). */
export const StorageCostSchema = z.object({
  /** Keeping one GB for a month. */
  storagePerGbMonth: z.number().nonnegative(),
  /** Reading one GB back (restore or retrieval fee), 0 when free. */
  retrievalPerGb: z.number().nonnegative().default(0),
  /** Moving one GB out of the location's network. */
  egressPerGb: z.number().nonnegative().default(0),
  /** Minimum billed storage duration in days (early deletion is billed up to it). */
  minimumDays: z.number().int().nonnegative().default(0),
});
/** What a location costs. */
export type StorageCost = z.output<typeof StorageCostSchema>;

/**
 * One way to bring an archived copy back online, e.g. S3 Glacier `Standard` (3–5 h) or an LTO
 * vault's next courier run. Online and nearline locations need none: they read immediately.
 */
export const RestoreOptionSchema = z.object({
  /** The option's name as the location's API knows it: `Expedited`, `Standard`, `Bulk`, `courier`. */
  name: z.string().trim().min(1).max(50),
  /** Hours until the restored copy can be read, at worst. */
  hours: z
    .number()
    .positive()
    .max(24 * 30),
  /** Cost per GB restored (on top of the location's `retrievalPerGb`). */
  perGb: z.number().nonnegative().default(0),
  /** Fixed cost per request. */
  perRequest: z.number().nonnegative().default(0),
});
/** One way to restore an archived copy. */
export type RestoreOption = z.output<typeof RestoreOptionSchema>;

/** A place copies live: a filesystem root, an S3 bucket and class, an LTFS tape pool. */
export const StorageLocationSchema = z
  .object({
    id: IdSchema,
    /** Human name for reports. */
    name: z.string().trim().min(1).max(200).optional(),
    tier: StorageTierSchema,
    media: StorageMediaSchema,
    /** The building or data centre, e.g. `studio-london`; 3-2-1 offsite copies are at a site other than the primary one. */
    site: z.string().trim().min(1).max(100),
    /** The geographic or cloud region, e.g. `eu-west-2`. */
    region: z.string().trim().min(1).max(100),
    cost: StorageCostSchema.default({ storagePerGbMonth: 0, retrievalPerGb: 0, egressPerGb: 0, minimumDays: 0 }),
    /**
     * The physical store (a bucket, a volume) when several locations are storage classes of it,
     * e.g. `masters-bucket` for `s3-standard` and `s3-glacier`. A copy moves between locations of
     * one store by an in-place storage-class change: no bytes travel.
     */
    store: z.string().trim().min(1).max(200).optional(),
    /** The storage class this location writes, e.g. `GLACIER_IR` (with `store`). */
    storageClass: z.string().trim().min(1).max(64).optional(),
    /** How archived copies come back; required reading for `archive` and `deep-archive` tiers. */
    restoreOptions: z.array(RestoreOptionSchema).max(10).default([]),
  })
  .refine((l) => l.tier === 'online' || l.tier === 'nearline' || l.restoreOptions.length > 0, {
    message: 'an archive or deep-archive location needs at least one restore option',
    path: ['restoreOptions'],
  })
  .refine((l) => (l.store === undefined) === (l.storageClass === undefined), {
    message: 'store and storageClass go together: a location of a shared store names its class',
    path: ['storageClass'],
  });
/** A storage location as callers declare it. */
export type StorageLocationInput = z.input<typeof StorageLocationSchema>;
/** A declared storage location. */
export type StorageLocation = z.output<typeof StorageLocationSchema>;

/**
 * The physical store a location writes to: its `store` when several locations are storage classes
 * of one bucket or volume, else the location itself. Two copies are one physical object when
 * their locations have the same physical store and their keys are equal; placement counts
 * physical objects, and a copy is never planned onto a store already holding the file.
 */
export function physicalStoreOf(location: Pick<StorageLocation, 'id' | 'store'>): string {
  return location.store === undefined ? `location:${location.id}` : `store:${location.store}`;
}

/**
 * The identity of the physical object a copy is, given the declared locations: `store|key`, or
 * undefined when the location is not declared.
 */
export function physicalObjectOf(
  copy: { readonly locationId: string; readonly key: string },
  locations: ReadonlyMap<string, Pick<StorageLocation, 'id' | 'store'>>,
): string | undefined {
  const location = locations.get(copy.locationId);
  return location === undefined ? undefined : `${physicalStoreOf(location)}|${copy.key}`;
}
