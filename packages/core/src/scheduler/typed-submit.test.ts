import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { QueueBackend } from './backend.js';
import { defineJobs, type JobDefinitions, type JobInput, type JobOutput } from './definitions.js';
import { createInProcessBackend } from './in-process-backend.js';
import { createScheduler, type Scheduler } from './scheduler.js';

// The `@ts-expect-error` lines below are checked by `pnpm --filter @framewise/core typecheck`: each
// fails the typecheck if the line under it compiles.

const jobs = defineJobs({
  probe: {
    input: z.object({ path: z.string(), deep: z.boolean().default(false) }),
    handler: async ({ path, deep }: { path: string; deep: boolean }) => ({ path, streams: deep ? 3 : 1 }),
  },
  thumbnail: { handler: async (input: { frame: number }) => `thumb-${input.frame}.jpg` },
  ping: { handler: async () => 'pong' as const },
});

describe('typed submission', () => {
  it('types the input from the schema (before defaults) or the handler, and the output from the handler', () => {
    expectTypeOf<JobInput<(typeof jobs)['probe']>>().toEqualTypeOf<{ path: string; deep?: boolean | undefined }>();
    expectTypeOf<JobInput<(typeof jobs)['thumbnail']>>().toEqualTypeOf<{ frame: number }>();
    expectTypeOf<JobOutput<(typeof jobs)['probe']>>().toEqualTypeOf<{ path: string; streams: number }>();
    expectTypeOf<JobOutput<(typeof jobs)['ping']>>().toEqualTypeOf<'pong'>();
    expectTypeOf<JobInput<JobDefinitions[string]>>().toEqualTypeOf<unknown>();
    expectTypeOf<JobOutput<JobDefinitions[string]>>().toEqualTypeOf<unknown>();
  });

  it('a scheduler over definitions accepts only their kinds and inputs, and types results', async () => {
    const scheduler = createScheduler({ definitions: jobs, resources: { cpu: 1 } });
    const probe = scheduler.submit('probe', { path: 'a.mov' });
    expectTypeOf(probe.result).toEqualTypeOf<Promise<{ path: string; streams: number }>>();
    expect(await probe.result).toEqual({ path: 'a.mov', streams: 1 });
    expect(await scheduler.submit('thumbnail', { frame: 12 }).result).toBe('thumb-12.jpg');
    // @ts-expect-error: not a kind of these definitions
    expect(() => scheduler.submit('transcode', { path: 'a.mov' })).toThrow(/"transcode" is not defined/);
    // @ts-expect-error: path must be a string
    expect(() => scheduler.submit('probe', { path: 42 })).toThrow(/path/);
    // @ts-expect-error: thumbnail takes a frame
    scheduler.submit('thumbnail', { path: 'a.mov' }).result.catch(() => undefined);
    await scheduler.drain();
  });

  it('a backend over definitions types submit and the result of the id it returns', async () => {
    const queue = createInProcessBackend({ definitions: jobs, resources: { cpu: 1 } });
    const { id } = await queue.submit('probe', { path: 'b.mov', deep: true });
    const result = queue.result(id);
    expectTypeOf(result).toEqualTypeOf<Promise<{ path: string; streams: number }>>();
    expect(await result).toEqual({ path: 'b.mov', streams: 3 });
    // @ts-expect-error: not a kind of these definitions
    await expect(queue.submit('transcode', {})).rejects.toThrow(/not defined/);
    // @ts-expect-error: deep must be a boolean
    await expect(queue.submit('probe', { path: 'b.mov', deep: 'yes' })).rejects.toThrow(/deep/);
    // An explicit type argument still works for ids from elsewhere.
    expectTypeOf(queue.result<number>(String(id))).toEqualTypeOf<Promise<number>>();
    await queue.close({ drain: true });
  });

  it('stays untyped, checked at run time, for hosts that build kinds dynamically', async () => {
    // A typed backend is assignable to the untyped port: any kind name, any input.
    const queue: QueueBackend = createInProcessBackend({ definitions: jobs, resources: { cpu: 1 } });
    const kindFromConfig: string = ['thumbnail'][0] as string;
    const inputFromRequest: unknown = JSON.parse('{"frame":3}');
    const { id } = await queue.submit(kindFromConfig, inputFromRequest);
    expectTypeOf(queue.result(id)).toEqualTypeOf<Promise<unknown>>();
    expect(await queue.result(id)).toBe('thumb-3.jpg');
    await expect(queue.submit('probe', inputFromRequest)).rejects.toThrow(/path/);
    await queue.close();

    // Definitions typed as JobDefinitions (built at run time), or kinds added with define().
    const registry: JobDefinitions = Object.fromEntries([['echo', { handler: async (x: unknown) => x }]]);
    const scheduler: Scheduler = createScheduler({ definitions: registry });
    scheduler.define('later', { handler: async () => 'ok' });
    expect(await scheduler.submit('echo', { any: 'thing' }).result).toEqual({ any: 'thing' });
    expect(await scheduler.submit('later', null).result).toBe('ok');
  });
});
