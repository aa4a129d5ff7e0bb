import { z } from 'zod';
import { AssetInputSchema, hasControlCharacter, IdSchema, LabelSchema, VersionKindSchema } from '../assets/index.js';
import { type Catalog, PrincipalSchema } from '../catalog/index.js';
import { QcPolicySchema, type QcReportStore } from '../qc/index.js';
import type { ObjectStorage } from '../storage/index.js';
import { hasMethods, LoggerSchema } from '../support/index.js';
import type { IngestProgress, IngestStep } from './report.js';

const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', `must be a function (${what})`);

/** Key prefix: object-key segments, no leading or trailing `/`. */
const KeyPrefixSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/, 'must be key segments of letters, digits and ._- joined by "/"')
  .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'must not have "." or ".." segments');

/** The QC an ingest runs: a policy, and whether a failing verdict stops the ingest. */
export const IngestQcSchema = z.object({
  policy: QcPolicySchema,
  /**
   * `gate`: a failing verdict stops the ingest (no version, the stored object removed; the report
   * is in the error's `details.report`). `record`: the version is created whatever the verdict and
   * the findings are recorded on it.
   */
  mode: z.enum(['gate', 'record']).default('gate'),
  /** Where the QC report is kept (for `requirePassingQc`). */
  store: z.custom<QcReportStore>(hasMethods('put', 'latest'), { message: 'must be a QcReportStore' }).optional(),
});

const ProxySpecSchema = z.strictObject({
  height: z.number().int().min(64).max(2160).optional(),
  crf: z.number().int().min(0).max(51).optional(),
  preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).optional(),
  burnTimecode: z.boolean().optional(),
  /** Title/version text burnt in; any characters but controls (it never enters the filter graph). */
  text: z
    .string()
    .min(1)
    .max(500)
    .refine((t) => !hasControlCharacter(t), 'must not contain control characters')
    .optional(),
  fontFile: z.string().min(1).max(4096).optional(),
  audioBitRate: z.number().int().min(32_000).max(512_000).optional(),
});

/** What an ingest makes from the source, from one decode (see `makeDerivatives`). */
export const IngestDerivativesSchema = z.strictObject({
  proxy: z.union([ProxySpecSchema, z.literal(false)]).optional(),
  posters: z
    .union([
      z.strictObject({
        count: z.number().int().min(1).max(50).optional(),
        height: z.number().int().min(32).max(4320).optional(),
        sceneThreshold: z.number().min(0.01).max(1).optional(),
      }),
      z.literal(false),
    ])
    .optional(),
  sprite: z
    .union([
      z.strictObject({
        intervalSeconds: z.number().min(0.1).max(3600).optional(),
        tileWidth: z.number().int().min(16).max(1920).optional(),
        tileHeight: z.number().int().min(16).max(1080).optional(),
        columns: z.number().int().min(1).max(50).optional(),
        rows: z.number().int().min(1).max(50).optional(),
      }),
      z.literal(false),
    ])
    .optional(),
  thumbnails: z
    .array(
      z.strictObject({
        width: z.number().int().min(1).max(8192),
        height: z.number().int().min(1).max(8192),
        fit: z.enum(['crop', 'letterbox']).optional(),
      }),
    )
    .max(50)
    .optional(),
  /** Where the files are made before they are stored (default a fresh folder under the OS temp dir, removed after). */
  workDir: z.string().min(1).max(4096).optional(),
});

/** Options of {@link ingest}. */
export const IngestOptionsSchema = z.strictObject({
  /** The catalog to create or find the version in. */
  catalog: z.custom<Catalog>(hasMethods('createAsset', 'getAsset', 'addVersion', 'listVersions', 'registerRendition'), {
    message: 'must be a Catalog',
  }),
  /** Who ingests (needs write access to the asset's project). */
  actor: PrincipalSchema,
  /** Where the original (and what is made from it) is stored. */
  storage: z.custom<ObjectStorage>(hasMethods('put', 'delete', 'head'), { message: 'must be an ObjectStorage' }),
  /** The location id versions name for `storage` (as the archive's placement rules know it). */
  storageId: IdSchema,
  /**
   * The asset: `{ id }` of an existing one, or an asset to create when it does not exist (its `id`,
   * when absent, is derived from the content's SHA-256, so ingesting the same bytes again finds it).
   */
  asset: z.union([z.strictObject({ id: IdSchema }), AssetInputSchema]),
  /** The name stored and catalogued (default: the source's file name); one file name, checked. */
  name: z.string().min(1).max(255).optional(),
  /** The version to create: its name (default the file name) and kind (default `master`). */
  version: z.object({ name: LabelSchema.optional(), kind: VersionKindSchema.default('master') }).prefault({}),
  /** Key prefix of stored files (default `ingest`): `<prefix>/<ingest id>/<name>`. */
  keyPrefix: KeyPrefixSchema.default('ingest'),
  /** QC to run; none when absent. */
  qc: IngestQcSchema.optional(),
  /** Proxy, poster candidates, sprite sheet and thumbnails to make, stored and registered; none when absent. */
  derivatives: IngestDerivativesSchema.optional(),
  /** The timeline rate of files without video (default 25). */
  audioOnlyRate: z
    .object({ num: z.number().int().positive(), den: z.number().int().positive(), dropFrame: z.boolean() })
    .optional(),
  /** Cancels the ingest: what it stored is removed, nothing is catalogued. */
  signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal').optional(),
  /** Called as the ingest moves on (whole-ingest percentage). */
  onProgress: fn<(progress: IngestProgress) => void>('onProgress').optional(),
  /** Called as each step ends. */
  onStep: fn<(step: IngestStep) => void>('onStep').optional(),
  ffmpegPath: z.string().min(1).optional(),
  ffprobePath: z.string().min(1).optional(),
  logger: LoggerSchema.optional(),
});
/** Options of {@link ingest}. */
export type IngestOptions = z.input<typeof IngestOptionsSchema>;
/** Options of {@link ingest}, parsed. */
export type ParsedIngestOptions = z.output<typeof IngestOptionsSchema>;
