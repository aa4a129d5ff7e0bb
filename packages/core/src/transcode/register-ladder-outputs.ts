import { basename } from 'node:path';
import { z } from 'zod';
import { IdSchema, type Rendition, type RenditionInput } from '../assets/index.js';
import { type Catalog, PrincipalSchema } from '../catalog/index.js';
import { asFramewiseError, FramewiseError } from '../errors/index.js';
import type { ObjectStorage } from '../storage/index.js';
import { normalizeKey, normalizePrefix } from '../storage/keys.js';
import { hasMethods, parseInput } from '../support/index.js';
import type { LadderOutput, LadderResult } from './ladder/execute.js';

/** Options of {@link registerLadderOutputs}. */
export const RegisterLadderOutputsOptionsSchema = z.object({
  /** The catalog the renditions are registered in. */
  catalog: z.custom<Catalog>(hasMethods('registerRendition', 'listRenditions'), { message: 'must be a Catalog' }),
  /** Who registers them (needs write access to the version's project). */
  actor: PrincipalSchema,
  /** The version the ladder was made from. */
  versionId: IdSchema,
  /** The storage every output is stored in. */
  storage: z.custom<ObjectStorage>(hasMethods('put', 'head', 'delete'), { message: 'must be an ObjectStorage' }),
  /** The location id that storage serves (what `FileLocation.storage` names, and delivery resolves). */
  storageId: IdSchema,
  /**
   * The folder the outputs are stored under, e.g. `renditions/<versionId>/`: each output's key is
   * this prefix and its file name (`h264-1080p-7800k.mp4`). A prefix without a trailing `/` gets one.
   */
  keyPrefix: z
    .string()
    .max(900)
    .refine(
      (p) => {
        try {
          normalizePrefix(p);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be a relative key prefix like "renditions/ep101/" (no "..", no leading "/")' },
    ),
  /** Stops the call between and during uploads (`CANCELLED`; what it stored is removed). */
  signal: z.instanceof(AbortSignal).optional(),
});
/** Options of {@link registerLadderOutputs}. */
export type RegisterLadderOutputsOptions = z.input<typeof RegisterLadderOutputsOptionsSchema>;

const HexSchema = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`));

/** The part of a {@link LadderOutput} registration reads (so a result that travelled as JSON works too). */
const OutputSchema = z.object({
  kind: z.enum(['video', 'audio']),
  name: z.string().min(1).max(200),
  path: z.string().min(1).max(4096),
  rung: z.number().int().nonnegative().optional(),
  codec: z.string().min(1).max(100),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  bitRate: z.number().int().nonnegative(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: HexSchema(64),
  md5: HexSchema(32),
});
const OutputsSchema = z.array(OutputSchema).min(1).max(100);

/** One output of a ladder, stored and registered. */
export interface RegisteredLadderOutput {
  /** The output's name in the ladder (the rendition's profile). */
  readonly name: string;
  /** Where it is stored, in the storage named by the rendition's location. */
  readonly key: string;
  readonly rendition: Rendition;
  /** False when an earlier call had already stored and registered it (nothing was written again). */
  readonly written: boolean;
}

/** What {@link registerLadderOutputs} did. */
export interface RegisteredLadderOutputs {
  /** In ladder order. */
  readonly outputs: readonly RegisteredLadderOutput[];
}

/** The rendition id of a ladder output: `versionId:name`, so registering twice finds the first. */
function ladderRenditionId(versionId: string, name: string): string {
  return `${versionId}:${name}`.replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 128);
}

type Output = z.output<typeof OutputSchema>;

function renditionInput(id: string, o: Output, storageId: string, key: string): RenditionInput {
  return {
    id,
    profile: o.name,
    container: 'mp4',
    ...(o.kind === 'video'
      ? {
          videoCodec: o.codec,
          ...(o.width === undefined ? {} : { width: o.width }),
          ...(o.height === undefined ? {} : { height: o.height }),
          rung: o.rung ?? 0,
        }
      : { audioCodec: o.codec }),
    ...(o.bitRate > 0 ? { bitRate: o.bitRate } : {}),
    locations: [{ storage: storageId, key, sizeBytes: o.sizeBytes, checksums: { sha256: o.sha256, md5: o.md5 } }],
  };
}

/** True when a registered rendition already names this very file at this location. */
function sameFile(r: Rendition, storageId: string, key: string, o: Output): boolean {
  return r.locations.some(
    (l) => l.storage === storageId && l.key === key && l.checksums.sha256 === o.sha256 && l.sizeBytes === o.sizeBytes,
  );
}

/**
 * Store a ladder's outputs and register them as renditions of a version, so that a registered
 * rendition is always really in the storage it names.
 *
 * 1. Every output is checked against the catalog first: one already registered under its id
 *    (`versionId:name`) with the same file at the same location is skipped (re-stored only if the
 *    object has gone from storage); one registered with other content stops the call with
 *    `CONFLICT` before anything is written.
 * 2. Every remaining output is stored with `ObjectStorage.put`, its digests from the ladder as the
 *    expected ones (a file that changed since the ladder checksummed it is refused with
 *    `INTEGRITY` and removed). If one fails, the objects this call stored are removed again and
 *    nothing is registered.
 * 3. Only then are the renditions registered, in ladder order. If registering fails midway, the
 *    error says which renditions are registered and which are stored but not yet registered;
 *    calling again with the same outputs finishes the job without duplicates.
 *
 * Not for concurrent calls on the same version: run one at a time (a job per version does).
 *
 * @throws `INVALID_INPUT` naming the bad option or output; `CONFLICT` when an output's rendition id
 * is registered with other content; otherwise the storage's or catalog's error code (`TRANSIENT`
 * stays retryable), with a message saying what was left behind.
 */
export async function registerLadderOutputs(
  result: LadderResult | readonly LadderOutput[],
  options: RegisterLadderOutputsOptions,
): Promise<RegisteredLadderOutputs> {
  const opts = parseInput(RegisterLadderOutputsOptionsSchema, options, 'Options of registerLadderOutputs');
  const raw = Array.isArray(result) ? result : (result as LadderResult)?.outputs;
  const outputs = parseInput(OutputsSchema, raw, `Ladder outputs registered on version "${opts.versionId}"`);
  const { catalog, storage, storageId, versionId, signal } = opts;
  const actor = options.actor;
  const prefix = normalizePrefix(opts.keyPrefix);
  const folder = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const planned = outputs.map((o) => ({
    o,
    id: ladderRenditionId(versionId, o.name),
    key: normalizeKey(`${folder}${basename(o.path)}`),
  }));
  for (const [i, p] of planned.entries()) {
    const twin = planned.findIndex((q, j) => j !== i && (q.id === p.id || q.key === p.key));
    if (twin >= 0)
      throw new FramewiseError(
        'INVALID_INPUT',
        `Ladder outputs "${p.o.name}" and "${planned[twin]?.o.name}" would share the rendition id or key ${JSON.stringify(p.key)}`,
        { details: { versionId, outputs: [p.o.name, planned[twin]?.o.name] } },
      );
  }

  // 1. What is registered already (also checks the version exists and the actor may read it).
  const existing = new Map((await catalog.listRenditions(actor, versionId)).map((r) => [r.id, r]));
  const done = new Map<string, Rendition>();
  for (const p of planned) {
    const r = existing.get(p.id);
    if (r === undefined) continue;
    if (!sameFile(r, storageId, p.key, p.o))
      throw new FramewiseError(
        'CONFLICT',
        `Rendition "${p.id}" of version "${versionId}" is already registered with other content than ladder output ${JSON.stringify(p.o.path)} (sha256 ${p.o.sha256.slice(0, 12)}… at "${storageId}" ${JSON.stringify(p.key)}); nothing was stored`,
        { details: { versionId, renditionId: p.id, key: p.key } },
      );
    done.set(p.id, r);
  }

  // 2. Store everything not yet registered (and any registered file gone from storage).
  const toStore: typeof planned = [];
  for (const p of planned) {
    if (!done.has(p.id)) toStore.push(p);
    else if ((await storage.head(p.key))?.sizeBytes !== p.o.sizeBytes) toStore.push(p);
  }
  const stored: string[] = [];
  for (const p of toStore) {
    try {
      if (signal?.aborted)
        throw new FramewiseError('CANCELLED', `Registering ladder outputs on version "${versionId}" was cancelled`, {
          details: { versionId },
        });
      await storage.put(
        p.key,
        { file: p.o.path },
        {
          contentType: p.o.kind === 'video' ? 'video/mp4' : 'audio/mp4',
          expected: { sha256: p.o.sha256, md5: p.o.md5, sizeBytes: p.o.sizeBytes },
          ...(signal ? { signal } : {}),
        },
      );
      stored.push(p.key);
    } catch (raw) {
      const cause = asFramewiseError(raw, `Storing ladder output ${JSON.stringify(p.o.path)}`);
      // Remove what this call stored for renditions not registered yet; a registered file that was
      // put back stays (it is what its rendition names).
      const left: string[] = [];
      for (const key of stored) {
        const q = planned.find((x) => x.key === key);
        if (q !== undefined && done.has(q.id)) continue;
        if (
          !(await storage.delete(key).then(
            () => true,
            () => false,
          ))
        )
          left.push(key);
      }
      throw new FramewiseError(
        cause.code,
        `Storing ladder output ${JSON.stringify(p.o.path)} at ${JSON.stringify(p.key)} in "${storageId}" failed: ${cause.message}. Nothing was registered on version "${versionId}"${left.length > 0 ? `; stored objects not removed: ${left.map((k) => JSON.stringify(k)).join(', ')}` : ''}`,
        {
          cause,
          details: { versionId, storageId, key: p.key, registered: [...done.keys()], left },
          ...(cause.retryAfterMs === undefined ? {} : { retryAfterMs: cause.retryAfterMs }),
        },
      );
    }
  }

  // 3. Register, in ladder order; a retry after a failure here skips what was registered.
  const registered: RegisteredLadderOutput[] = [];
  for (const p of planned) {
    const before = done.get(p.id);
    if (before !== undefined) {
      registered.push({ name: p.o.name, key: p.key, rendition: before, written: stored.includes(p.key) });
      continue;
    }
    try {
      const rendition = await catalog.registerRendition(actor, versionId, renditionInput(p.id, p.o, storageId, p.key));
      registered.push({ name: p.o.name, key: p.key, rendition, written: true });
    } catch (raw) {
      const cause = asFramewiseError(raw, `Registering rendition "${p.id}"`);
      const ids = registered.map((r) => r.rendition.id);
      const pending = planned.filter((q) => !ids.includes(q.id));
      throw new FramewiseError(
        cause.code,
        `Registering rendition "${p.id}" on version "${versionId}" failed: ${cause.message}. Registered ${ids.length} of ${planned.length}; stored in "${storageId}" but not registered: ${pending.map((q) => JSON.stringify(q.key)).join(', ')}. Call registerLadderOutputs again with the same outputs to finish (what is registered is kept, nothing is duplicated)`,
        {
          cause,
          details: {
            versionId,
            storageId,
            registered: ids,
            pending: pending.map((q) => ({ renditionId: q.id, key: q.key })),
          },
          ...(cause.retryAfterMs === undefined ? {} : { retryAfterMs: cause.retryAfterMs }),
        },
      );
    }
  }
  return { outputs: registered };
}
