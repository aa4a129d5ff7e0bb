import { z } from 'zod';
import type { Catalog, PrincipalInput } from '../catalog/index.js';
import type { RightsEngine } from '../rights/engine.js';
import type { Clock, Logger, Tracer } from '../support/index.js';
import type { DeliverySource, DistributionEndpoint } from './package.js';
import type { DistributionRecordStore } from './record-store.js';

const hasMethods =
  (...names: string[]) =>
  (value: unknown): boolean =>
    typeof value === 'object' &&
    value !== null &&
    names.every((n) => typeof (value as Record<string, unknown>)[n] === 'function');

const positiveInt = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be ≥ 1`);

/** Checks each endpoint: an object with an id, a profile and an adapter, unique ids, a whole `maxConcurrent` ≥ 1. */
const EndpointsSchema = z
  .custom<readonly DistributionEndpoint[]>(Array.isArray, 'must be an array of endpoints')
  .superRefine((endpoints, ctx) => {
    const seen = new Set<string>();
    endpoints.forEach((endpoint, index) => {
      const e = endpoint as Partial<DistributionEndpoint> | null;
      if (typeof e !== 'object' || e === null || typeof e.id !== 'string' || !hasMethods('submit', 'poll')(e.adapter)) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: 'must be an endpoint with an id, a profile and an adapter',
        });
        return;
      }
      if (seen.has(e.id))
        ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `Endpoint "${e.id}" is declared twice` });
      seen.add(e.id);
      const n = e.maxConcurrent;
      if (n !== undefined && !(Number.isSafeInteger(n) && n >= 1))
        ctx.addIssue({
          code: 'custom',
          path: [index, 'maxConcurrent'],
          message: `maxConcurrent of endpoint "${e.id}" must be a whole number ≥ 1, not ${n}`,
        });
    });
  });

/**
 * Options of {@link createDistributor}, parsed once (an `INVALID_CONFIG` error names each wrong
 * option). Ports (store, endpoints, source, rights, clock, logger, tracer, audit catalog) are
 * checked for their shape; numbers for their range.
 */
export const DistributorOptionsSchema = z.strictObject({
  /** Where distribution records live. */
  store: z.custom<DistributionRecordStore>(hasMethods('get', 'put', 'list'), 'must be a DistributionRecordStore'),
  /** The endpoints, each with its profile, adapter and field mapping. */
  endpoints: EndpointsSchema,
  /** Where versions, renditions, thumbnails, captions and QC reports are read from. */
  source: z.custom<DeliverySource>(hasMethods('load'), 'must be a DeliverySource (with load)'),
  /** The rights gate and the default windows. Without it nothing is checked against rights. */
  rights: z.custom<RightsEngine>(hasMethods('evaluate', 'planTransitions'), 'must be a RightsEngine').optional(),
  /** The time source (default: the system clock). */
  clock: z.custom<Clock>(hasMethods('now'), 'must be a Clock (with now)').optional(),
  /** Where transitions are logged (`info`) and failures (`warn`, `error`). */
  logger: z.custom<Logger>(hasMethods('debug', 'info', 'warn', 'error'), 'must be a Logger').optional(),
  /** An OpenTelemetry tracer: a span around each remote call. */
  tracer: z.custom<Tracer>(hasMethods('startActiveSpan'), 'must be a Tracer').optional(),
  /** Backoff of retryable outcomes: from `baseMs` (30 s) doubling to `maxMs` (1 h), at most `maxAttempts` (8). */
  retry: z
    .object({
      baseMs: z.number().int().min(0).default(30_000),
      maxMs: z.number().int().min(0).default(3_600_000),
      maxAttempts: positiveInt('retry.maxAttempts').default(8),
    })
    .default({ baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 8 }),
  /** How often an endpoint that processes asynchronously is asked where the content stands (60 s). */
  pollIntervalMs: positiveInt('pollIntervalMs').default(60_000),
  /**
   * How long a remote call holds a record before another distributor may take over (15 min). The
   * holder renews it by heartbeat every third of it while the call runs; a holder that cannot renew
   * in time (or finds another holder) aborts the call before its next side effect.
   */
  leaseMs: positiveInt('leaseMs').default(15 * 60_000),
  /**
   * How long an owed takedown may stay undone before `takedown-overdue` is raised (default 0: at
   * the first removal attempt that does not succeed). The removal itself is retried until it
   * succeeds, backing off to `retry.maxMs`.
   */
  takedownOverdueMs: z.number().int().min(0).default(0),
  /** Record every submission, update, removal and rights takedown in the catalog's audit trail. */
  audit: z
    .object({
      catalog: z.custom<Catalog>(hasMethods('recordEvent'), 'must be a Catalog'),
      actor: z.custom<PrincipalInput>((v) => typeof v === 'object' && v !== null, 'must be a principal'),
    })
    .optional(),
  /**
   * Records a sweep handles at once (default 8): with a database store each step is a few round
   * trips, and endpoints are slow. Remote calls to one endpoint are further limited by its
   * `maxConcurrent`.
   */
  concurrency: positiveInt('concurrency').default(8),
});

/** Options of {@link createDistributor}. */
export type DistributorOptions = z.input<typeof DistributorOptionsSchema>;
/** Options of a distributor after parsing, with defaults filled in. */
export type ParsedDistributorOptions = z.output<typeof DistributorOptionsSchema>;
