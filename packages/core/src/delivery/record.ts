import { z } from 'zod';
import { IdSchema, InstantSchema } from '../assets/common.js';

/**
 * Where one asset stands at one endpoint.
 *
 * - `pending`: known, not yet due (before sunrise, or waiting for a manual submit).
 * - `queued`: due for submission.
 * - `submitting` / `updating` / `removing`: a call is in flight (or was, when the process died).
 * - `processing`: accepted; the endpoint is still processing (confirmed by polling).
 * - `live`: available at the endpoint (or scheduled by it to publish).
 * - `removed`: taken down (deleted or unpublished), confirmed where the endpoint can.
 * - `error-submit` / `error-update` / `error-remove`: the last attempt failed permanently or needs
 *   credentials; a person looks, then resubmits. A removal owed is never dropped: `error-remove`
 *   (and any error state with a removal owed) is retried with backoff until it succeeds.
 * - `parked`: waiting until `parkedUntil` (a quota reset), then back to the work it was doing.
 */
export const DistributionStateSchema = z.enum([
  'pending',
  'queued',
  'submitting',
  'processing',
  'live',
  'updating',
  'removing',
  'removed',
  'error-submit',
  'error-update',
  'error-remove',
  'parked',
]);
/** Where one asset stands at one endpoint. */
export type DistributionState = z.output<typeof DistributionStateSchema>;

const JsonRecord = z.record(z.string(), z.unknown());

/** One state change, kept on the record (the newest 200). */
export const DistributionHistoryEntrySchema = z.object({
  at: InstantSchema,
  from: DistributionStateSchema,
  to: DistributionStateSchema,
  /** What caused it: `submit`, `sunrise`, `sunset`, `rights`, `update`, `retry`, `poll`, … */
  event: z.string().max(50),
  note: z.string().max(2000).optional(),
});
/** One state change. */
export type DistributionHistoryEntry = z.output<typeof DistributionHistoryEntrySchema>;

/** A distribution record: one asset at one endpoint, with its state, owed work and what was sent. */
export const DistributionRecordSchema = z.object({
  /** `assetId@endpointId`. */
  id: z.string().min(3).max(300),
  assetId: IdSchema,
  endpointId: IdSchema,
  /** The version delivered (or to deliver). */
  versionId: IdSchema,
  state: DistributionStateSchema,
  /** Optimistic concurrency: increases with every write. */
  revision: z.number().int().nonnegative(),
  /** How it got here: `automatic` (ready + profile) or `manual`. */
  origin: z.enum(['automatic', 'manual']),
  /** Changes requested (metadata or files) and how many of them the endpoint has. */
  changes: z.number().int().nonnegative().default(0),
  appliedChanges: z.number().int().nonnegative().default(0),
  /** A takedown is owed (sunset, rights, or requested). */
  removalOwed: z.boolean().default(false),
  /** Why the removal is owed. */
  removalReason: z.string().max(500).optional(),
  /** Since when the removal is owed (the start of its overdue delay). */
  removalOwedAt: InstantSchema.optional(),
  /** When the owed removal was escalated with `takedown-overdue` (raised once per takedown). */
  takedownOverdueAt: InstantSchema.optional(),
  /** The window the content may be live in; from the rights when not set by hand. */
  window: z
    .object({
      sunrise: InstantSchema.optional(),
      sunset: InstantSchema.optional(),
      source: z.enum(['rights', 'manual', 'none']).default('none'),
    })
    .default({ source: 'none' }),
  remoteId: z.string().max(500).optional(),
  remoteFiles: z.record(z.string(), z.string().max(500)).default({}),
  /** Adapter resume state (an upload session), saved before bytes are sent. */
  progress: z.unknown().optional(),
  /** The package revision last delivered, and what was in it (secrets redacted). */
  sent: z
    .object({
      revision: z.number().int().nonnegative(),
      at: InstantSchema,
      fields: JsonRecord,
      /** SHA-256 of each field's value as sent, so changes are found even in redacted fields. */
      fieldHashes: z.record(z.string(), z.string()).default({}),
      files: z.array(z.object({ name: z.string(), sizeBytes: z.number(), sha256: z.string().optional() })),
    })
    .optional(),
  /** What the endpoint answered last (secrets redacted). */
  received: JsonRecord.optional(),
  /** Changes a person approved, for endpoints whose updates are manual. */
  approvedChanges: z.number().int().nonnegative().default(0),
  /** Who holds the record while a remote call is in flight, and until when (a crashed holder's claim lapses). */
  leaseUntil: InstantSchema.optional(),
  /** Which distributor holds the lease (renewed by its heartbeat while the call runs). */
  leaseHolder: z.string().max(200).optional(),
  attempts: z.number().int().nonnegative().default(0),
  nextAttemptAt: InstantSchema.optional(),
  parkedUntil: InstantSchema.optional(),
  /** The state to go back to when parking ends. */
  resumeState: DistributionStateSchema.optional(),
  lastError: z.object({ code: z.string(), message: z.string().max(2000) }).optional(),
  history: z.array(DistributionHistoryEntrySchema).max(200).default([]),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
/** A distribution record. */
export type DistributionRecord = z.output<typeof DistributionRecordSchema>;

/** The id of the record of an asset at an endpoint. */
export function distributionRecordId(assetId: string, endpointId: string): string {
  return `${assetId}@${endpointId}`;
}

const SECRET_KEY = /pass(word)?|secret|token|authori[sz]ation|api[-_]?key|credential|private[-_]?key|cookie|signature/i;

/**
 * A copy of a JSON-like value with every field whose name looks secret (password, token,
 * authorization, api key, credential, cookie, signature) replaced by `[redacted]`, and query
 * strings of URLs stripped of their values: what is stored of requests and responses.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 20) return '[deep]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
    return out;
  }
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^\s]*\?/i.test(value)) {
    const [base, query] = value.split('?', 2) as [string, string];
    return `${base}?${query
      .split('&')
      .map((pair) => `${pair.split('=')[0]}=[redacted]`)
      .join('&')}`;
  }
  return value;
}
