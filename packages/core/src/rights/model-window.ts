import { z } from 'zod';
import { IdSchema, LabelSchema } from '../assets/index.js';

/**
 * A lag as an ISO 8601 duration of calendar units: years, months, weeks, days (`P18M`, `P1Y`,
 * `P30D`, `P1Y6M`, `P2W`), optionally negative (`-P7D`: seven days before). Months and years are
 * calendar months (31 January + `P1M` = 28 or 29 February, clamped to the month's last day).
 */
export const LagSchema = z
  .string()
  .max(40)
  .regex(
    /^-?P(?=\d)(?:(\d{1,5})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?$/,
    'must be an ISO 8601 duration of years, months, weeks and days such as P18M, P1Y, P30D or -P7D',
  );
/** A lag such as `P18M`. */
export type Lag = z.output<typeof LagSchema>;

/** The name of an event (`theatrical-release-us`, `season-finale`), declared in the document's `events`. */
export const EventNameSchema = IdSchema;

/**
 * A bound relative to another grant's window: `{ after: "th-emea", edge: "start", lag: "P120D" }`.
 * `days` is the older spelling of a lag in whole days; give one of `days` and `lag`, not both.
 */
export const RelativeBoundSchema = z
  .strictObject({
    after: IdSchema,
    edge: z.enum(['start', 'end']).default('start'),
    days: z.number().int().min(-36_500).max(36_500).optional(),
    lag: LagSchema.optional(),
  })
  .refine((b) => b.days === undefined || b.lag === undefined, {
    message: 'give either days or lag, not both',
    path: ['lag'],
  });

/**
 * A bound relative to a named event (EMA Avails start/end conditions): `{ event: "theatrical",
 * lag: "P45D" }`. While the event's date is TBD (not known), a start bound never arrives (the window
 * is "not yet available", never open) and an end bound never arrives either (the window, or the
 * holdback, keeps going).
 */
export const EventBoundSchema = z.strictObject({
  event: EventNameSchema,
  lag: LagSchema.optional(),
});

/**
 * A window bound:
 * - a date `YYYY-MM-DD`: local midnight in the territory's own time zone (or the grant's `zone`);
 * - an instant `YYYY-MM-DDTHH:mm[:ss[.sss]]Z` or with an offset: that instant everywhere;
 * - relative to another grant's window: `{ after: grantId, edge: 'start' | 'end', lag: 'P18M' }`
 *   (or `days`) — calendar units in local time when that bound is a date (also when the grant has a
 *   `zone`), calendar units in UTC when it is an instant;
 * - relative to a named event: `{ event: name, lag?: 'P30D' }` — the event may still be TBD.
 */
export const WindowBoundSchema = z.union([
  z.iso.date(),
  z.iso.datetime({ offset: true }),
  RelativeBoundSchema,
  EventBoundSchema,
]);
/** A window bound as written. */
export type WindowBound = z.input<typeof WindowBoundSchema>;
/** A window bound after validation (relative bounds have their edge). */
export type WindowBoundValue = z.output<typeof WindowBoundSchema>;

/** A window: start inclusive, end exclusive; either may be open. */
export const WindowSchema = z.strictObject({ start: WindowBoundSchema.optional(), end: WindowBoundSchema.optional() });
/** A window as written. */
export type WindowInput = z.input<typeof WindowSchema>;

/**
 * A named event windows may be relative to: a theatrical release, a broadcast premiere, a season
 * finale. `at` is a date (local midnight in each territory, like window dates) or an instant; absent
 * means the date is TBD (to be determined).
 */
export const RightsEventSchema = z.strictObject({
  at: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).optional(),
  /** What the event is, for people. */
  name: LabelSchema.optional(),
});
/** A named event. */
export type RightsEvent = z.output<typeof RightsEventSchema>;

/** Names of named events: the same shape as ids. */
export const RightsEventsSchema = z.record(EventNameSchema, RightsEventSchema);

/**
 * How date-only bounds are read in a territory:
 * - a zone name (`"America/Los_Angeles"`): local midnight there (the default is the territory's own zone);
 * - `{ zones, policy }` for a territory spanning several zones (US, CA, AU, BR, RU): `single` reads
 *   dates in the first zone; `latest-opening` opens a window when the last of the zones reaches the
 *   start date (and closes it in the first zone); `earliest-closing` closes it when the first of the
 *   zones reaches the end date (and opens it in the first zone); `conservative` does both.
 */
export const TerritoryZoneSchema = z.union([
  z.string().min(1).max(64),
  z.strictObject({
    zones: z.array(z.string().min(1).max(64)).min(1).max(12),
    policy: z.enum(['single', 'latest-opening', 'earliest-closing', 'conservative']).default('single'),
  }),
]);
/** How dates are read in a territory. */
export type TerritoryZone = z.output<typeof TerritoryZoneSchema>;
