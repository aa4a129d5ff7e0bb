import { z } from 'zod';
import { InstantSchema, textSchema } from '../assets/common.js';

/** The as-run statuses of BXF (`AsRunStatusType`, the same in every release Framewise reads). */
export const AsRunStatusSchema = z.enum([
  'Aired Without Discrepancy',
  'Technical Difficulty',
  'Did not air',
  'Aired with Duration Discrepancy',
  'Aired with Content Discrepancy',
  'Preempted',
  'Joined in Progress',
  'Inserted by Operator',
  'Unknown',
  'Missing Content',
]);

/** Statuses that say the event did not go to air. */
export const NOT_AIRED_STATUSES: ReadonlySet<AsRunStatus> = new Set(['Did not air', 'Preempted', 'Missing Content']);

/** One line of an as-run log: what automation actually played, when and for how long. */
export const AsRunEntrySchema = z.object({
  /** The scheduled event it ran for (absent when an operator inserted it). */
  eventId: z.uuid().optional(),
  /** House number of the media that played. */
  houseNumber: textSchema(64),
  /** Title of what played. */
  title: textSchema(500).optional(),
  /** When it went to air. */
  start: InstantSchema,
  /** How long it ran, in frames of the channel's rate. */
  durationFrames: z.number().int().nonnegative(),
  /** What automation says about it (BXF allows several). */
  statuses: z.array(AsRunStatusSchema).min(1).max(10).default(['Aired Without Discrepancy']),
});

/** A BXF as-run status. */
export type AsRunStatus = z.output<typeof AsRunStatusSchema>;
/** One as-run line. */
export type AsRunEntry = z.output<typeof AsRunEntrySchema>;
/** One as-run line as accepted on input. */
export type AsRunEntryInput = z.input<typeof AsRunEntrySchema>;
