import { ClockSchema } from '@framewise/core/adapter-kit';
import { z } from 'zod';

/** Options every document exporter takes: the streamed chunk size and the clock. */
export const documentOptionsShape = {
  /** Characters per streamed chunk (default 64 Ki). */
  chunkSize: z
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  /** Clock for the document's time stamps (default: the system clock). */
  clock: ClockSchema.optional(),
};
