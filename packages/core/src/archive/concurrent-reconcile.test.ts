import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileLocationInput } from '../assets/version.js';
import { createCatalog, createMemoryCatalogStore } from '../catalog/index.js';
import { isFramewiseError } from '../errors/index.js';
import { createMemoryStorage, createObjectStorage, type ObjectStorage, type StorageDriver } from '../storage/index.js';
import {
  applyReconcileOutcome,
  copiesOnVersion,
  createPlacementChecker,
  executeReconcilePlan,
  type FileCopy,
  type PlacementChecker,
  planReconcile,
  type ReconcileOutcome,
  type ReconcilePlan,
  type StorageLocationInput,
} from './index.js';

const admin = { id: 'ops', global: 'admin' as const };
const body = Buffer.from('master frames '.repeat(500));
const sha256 = createHash('sha256').update(body).digest('hex');
const file = { fileKey: 'master', sizeBytes: body.length, sha256 };
const KEY = 'masters/m.mxf';
const asset = { id: 'a-1', project: 'p', kind: 'episode' as const, genres: [] };
const IDS = ['disk-a', 'disk-b', 'tape-c', 'bucket-std', 'bucket-ia'] as const;
const LOCATIONS: StorageLocationInput[] = [
  { id: 'disk-a', tier: 'online', media: 'disk', site: 'studio', region: 'r1' },
  { id: 'disk-b', tier: 'online', media: 'disk', site: 'dr', region: 'r2' },
  {
    id: 'tape-c',
    tier: 'archive',
    media: 'tape',
    site: 'vault',
    region: 'r2',
    restoreOptions: [{ name: 'courier', hours: 24 }],
  },
  // Two classes of one bucket: one physical store.
  { id: 'bucket-std', tier: 'online', media: 'object', site: 'cloud', region: 'r3', store: 'b', storageClass: 'STD' },
  { id: 'bucket-ia', tier: 'nearline', media: 'object', site: 'cloud', region: 'r3', store: 'b', storageClass: 'IA' },
];

/** A driver whose every call yields a random number of turns first, so concurrent runs interleave. */
let random = () => 0.5;

/**
 * A driver over a memory driver that is replaced for every run (so storages and their hashing
 * workers are made once), each call yielding a random number of turns first so concurrent runs
 * interleave.
 */
function jittery(classes?: string[]): { driver: StorageDriver; reset: () => void } {
  const make = () => createMemoryStorage(classes ? { storageClasses: classes } : {});
  let inner = make();
  const pause = async () => {
    for (let i = Math.floor(random() * 4); i > 0; i--) await new Promise((r) => setImmediate(r));
  };
  const wrap =
    <K extends 'put' | 'get' | 'head' | 'delete' | 'copy'>(name: K) =>
    async (...args: Parameters<StorageDriver[K]>): Promise<Awaited<ReturnType<StorageDriver[K]>>> => {
      await pause();
      const result = await (inner[name] as (...a: typeof args) => ReturnType<StorageDriver[K]>)(...args);
      await pause();
      return result;
    };
  const driver: StorageDriver = {
    name: 'jittery',
    capabilities: inner.capabilities,
    put: wrap('put'),
    get: wrap('get'),
    head: wrap('head'),
    list: (prefix, options) => inner.list(prefix, options),
    delete: wrap('delete'),
    copy: wrap('copy'),
    ...(classes
      ? {
          setStorageClass: async (key: string, storageClass: string) => {
            await pause();
            await inner.setStorageClass?.(key, storageClass);
          },
        }
      : {}),
    close: async () => undefined,
  };
  return {
    driver,
    reset: () => {
      inner = make();
    },
  };
}

const bucket = jittery(['STD', 'IA']);
const disks = { 'disk-a': jittery(), 'disk-b': jittery(), 'tape-c': jittery() };
const drivers = new Map<string, StorageDriver>([
  ['disk-a', disks['disk-a'].driver],
  ['disk-b', disks['disk-b'].driver],
  ['tape-c', disks['tape-c'].driver],
  ['bucket-std', bucket.driver],
  ['bucket-ia', bucket.driver],
]);
const storages = new Map<string, ObjectStorage>([...drivers].map(([id, d]) => [id, createObjectStorage(d)] as const));
afterAll(async () => {
  await Promise.all([...storages.values()].map((s) => s.close()));
});

const toLocation = (c: FileCopy): FileLocationInput => ({
  storage: c.locationId,
  key: c.key,
  sizeBytes: c.sizeBytes,
  checksums: { sha256: c.sha256 },
  status: c.status,
  ...(c.verifiedAt === undefined ? {} : { verifiedAt: c.verifiedAt }),
  ...(c.checkedAt === undefined ? {} : { checkedAt: c.checkedAt }),
});

describe('concurrent reconcilers under policy flips and stale plans (issue 19)', () => {
  it('always leaves at least one copy whose bytes verify, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        // Each reconciler's rounds: which locations the policy of that moment excludes, and whether it acts on a stale plan.
        fc.array(
          fc.array(
            fc.record({
              excluded: fc.subarray([...IDS]),
              stale: fc.boolean(),
              minCopies: fc.integer({ min: 1, max: 3 }),
            }),
            {
              minLength: 2,
              maxLength: 5,
            },
          ),
          { minLength: 3, maxLength: 6 },
        ),
        async (seed, reconcilers) => {
          let state = seed;
          random = () => {
            state = (state * 48271) % 2147483647;
            return state / 2147483647;
          };
          for (const d of [bucket, ...Object.values(disks)]) d.reset();
          const resolve = (id: string) => storages.get(id);
          const catalog = createCatalog({ store: createMemoryCatalogStore() });
          await catalog.createAsset(admin, {
            id: asset.id,
            project: 'p',
            kind: 'episode',
            titles: [{ language: 'en', value: 'M' }],
          });
          const start = ['disk-a', 'bucket-std', 'tape-c'];
          for (const id of start) await storages.get(id)?.put(KEY, body);
          const version = await catalog.addVersion(admin, asset.id, {
            name: 'master',
            kind: 'master',
            rate: { num: 25, den: 1, dropFrame: false },
            durationFrames: 25,
            locations: start.map((id) => ({
              storage: id,
              key: KEY,
              sizeBytes: body.length,
              checksums: { sha256 },
              status: 'verified' as const,
              verifiedAt: '2026-11-01T00:00:00.000Z',
            })),
          });
          const copySet = { catalog, actor: admin, versionOf: () => version.id };

          /** Physical objects holding the right bytes now. */
          const survivors = async () => {
            const seen = new Set<StorageDriver>();
            let good = 0;
            for (const [id, driver] of drivers) {
              if (seen.has(driver)) continue;
              seen.add(driver);
              const digest = await storages
                .get(id)
                ?.digest(KEY)
                .catch(() => undefined);
              if (digest?.sha256 === sha256) good++;
            }
            return good;
          };
          const violations: string[] = [];
          /** Record what an outcome changed, by compare-and-set on the copy set (deletes were recorded by the guard). */
          const record = async (outcome: ReconcileOutcome) => {
            if ((await survivors()) === 0) violations.push(`no verified copy after ${outcome.action.kind}`);
            if (outcome.outcome !== 'done' || outcome.action.kind === 'delete') return;
            for (;;) {
              const v = await catalog.getVersion(admin, version.id);
              const next = applyReconcileOutcome(copiesOnVersion(v), outcome) as FileCopy[];
              try {
                await catalog.relocateVersion(admin, version.id, next.map(toLocation), {
                  expectedRevision: v.revision,
                });
                return;
              } catch (error) {
                if (!isFramewiseError(error, 'CONFLICT')) throw error;
              }
            }
          };
          const reconcile = async (rounds: (typeof reconcilers)[number]) => {
            let stale: ReconcilePlan | undefined;
            for (const round of rounds) {
              const checker: PlacementChecker = createPlacementChecker(
                {
                  primarySite: 'studio',
                  rules: [{ name: 'flip', minCopies: round.minCopies, excludedLocations: round.excluded }],
                },
                LOCATIONS,
              );
              const v = await catalog.getVersion(admin, version.id);
              const fresh = planReconcile(
                checker,
                { asset, files: [file], copies: copiesOnVersion(v) },
                new Date('2026-11-02T00:00:00Z'),
              );
              const plan = round.stale && stale !== undefined ? stale : fresh;
              stale = fresh;
              await executeReconcilePlan(plan, resolve, { copySet, onOutcome: record });
            }
          };
          await Promise.all(reconcilers.map(reconcile));
          {
            expect(violations).toEqual([]);
            expect(await survivors()).toBeGreaterThanOrEqual(1);
            // The catalog still records a verified copy whose bytes are really there.
            const final = copiesOnVersion(await catalog.getVersion(admin, version.id));
            const real = await Promise.all(
              final
                .filter((c) => c.status === 'verified')
                .map(
                  async (c) =>
                    (
                      await storages
                        .get(c.locationId)
                        ?.digest(c.key)
                        .catch(() => undefined)
                    )?.sha256 === sha256,
                ),
            );
            expect(real).toContain(true);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
