import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { DeliveryPackage } from '@framewise/core/delivery';

/** A one-file package (`main`, video/mp4) whose bytes come from `open(start)`. */
export function mediaPackage(
  body: Buffer,
  options: {
    readonly revision?: number;
    readonly fields?: Record<string, unknown>;
    readonly open?: (start: number) => Readable;
  } = {},
): DeliveryPackage {
  return {
    assetId: 'lt-101',
    versionId: 'lt-101-master',
    endpointId: 'drop',
    revision: options.revision ?? 1,
    fields: { title: 'Low Tide', houseNumber: 'LT-101', ...options.fields },
    files: [
      {
        role: 'media',
        name: 'main',
        sizeBytes: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
        contentType: 'video/mp4',
        open: async (start = 0) => options.open?.(start) ?? Readable.from([body.subarray(start)]),
      },
    ],
  };
}

/**
 * A source that sends the first `cutAt` bytes, then runs `interrupt` (kill the server) and breaks
 * off; later opens send the rest. `starts` records where each open began.
 */
export function interruptedSource(body: Buffer, cutAt: number, interrupt: () => Promise<void>) {
  const starts: number[] = [];
  let first = true;
  const open = (start: number): Readable => {
    starts.push(start);
    if (!first) return Readable.from([body.subarray(start)]);
    first = false;
    return Readable.from(
      (async function* () {
        for (let at = 0; at < cutAt; at += 256 * 1024) yield body.subarray(at, Math.min(cutAt, at + 256 * 1024));
        await new Promise((resolve) => setTimeout(resolve, 300));
        await interrupt();
        yield body.subarray(cutAt, cutAt + 1024 * 1024);
        throw Object.assign(new Error('connection lost'), { code: 'ECONNRESET' });
      })(),
    );
  };
  return { open, starts };
}
