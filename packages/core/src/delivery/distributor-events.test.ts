import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import type { LogFields, Logger, Tracer, TraceSpan } from '../support/index.js';
import { filelessDeliverySubject, filelessEndpoint, MemoryEndpoint } from '../testing/memory-endpoint.js';
import { createEndpointSlots } from './endpoint-slots.js';
import { createDistributor, createMemoryDistributionStore, Distributor, type DistributorEvents } from './index.js';

const subject = filelessDeliverySubject;

function setup() {
  let now = Date.parse('2027-05-01T10:00:00Z');
  const adapter = new MemoryEndpoint();
  const logs: { fields: LogFields; message: string }[] = [];
  const logger: Logger = {
    debug: () => {},
    info: (fields, message) => logs.push({ fields, message }),
    warn: (fields, message) => logs.push({ fields, message }),
    error: (fields, message) => logs.push({ fields, message }),
  };
  const spans: { name: string; attributes: Record<string, unknown> }[] = [];
  const tracer: Tracer = {
    startActiveSpan(name, options, fn) {
      const attributes: Record<string, unknown> = { ...options.attributes };
      spans.push({ name, attributes });
      const span: TraceSpan = {
        setAttribute: (k, v) => {
          attributes[k] = v;
        },
        recordException: () => {},
        setStatus: () => {},
        end: () => {},
      };
      return fn(span) as ReturnType<typeof fn>;
    },
  };
  const distributor = createDistributor({
    store: createMemoryDistributionStore(),
    source: { load: async (assetId) => subject(assetId) },
    endpoints: [filelessEndpoint('partner', adapter)],
    clock: { now: () => now },
    logger,
    tracer,
  });
  const events: string[] = [];
  const payloads: Partial<{ [E in keyof DistributorEvents]: DistributorEvents[E] }> = {};
  for (const name of ['submitted', 'live', 'removed', 'failed', 'parked', 'takedown-overdue'] as const)
    distributor.on(name, (payload) => {
      events.push(`${name} ${payload.record.assetId}`);
      (payloads as Record<string, unknown>)[name] = payload;
    });
  return { distributor, adapter, logs, spans, events, payloads, advance: (ms: number) => (now += ms), now: () => now };
}

describe('distributor events, logs and spans', () => {
  it('refuses every call once closed with CONFLICT, and closes its adapters once', async () => {
    const s = setup();
    let closed = 0;
    const close = s.adapter.close.bind(s.adapter);
    s.adapter.close = async () => {
      closed++;
      await close();
    };
    await s.distributor.close();
    await s.distributor.close();
    expect(closed).toBe(1);
    for (const call of [
      () => s.distributor.ready('a1', 'a1-v'),
      () => s.distributor.sweep(),
      () => s.distributor.get('a1', 'partner'),
      () => s.distributor.remove('a1', 'partner'),
    ])
      await expect(call()).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('announces submitted and live, an overdue takedown, then removed; logs each transition; a span per call', async () => {
    const s = setup();
    await s.distributor.ready('a1', 'a1-v');
    await s.distributor.sweep();
    expect(s.events).toEqual(['submitted a1', 'live a1']);
    expect(s.logs).toContainEqual({
      fields: expect.objectContaining({ record: 'a1@partner', endpoint: 'partner', from: 'submitting', to: 'live' }),
      message: 'distribution: submitting → live',
    });
    expect(s.spans[0]).toMatchObject({
      name: 'framewise.distribution.submit',
      attributes: { 'framewise.distribution.record': 'a1@partner', 'framewise.distribution.outcome': 'success' },
    });

    // The window closes while the endpoint is down: the takedown is owed and overdue.
    await s.distributor.setWindow('a1', 'partner', { sunset: new Date(s.now() + 60_000).toISOString() });
    s.advance(120_000);
    s.adapter.fault = 'unavailable';
    await s.distributor.sweep();
    expect(s.events.slice(2)).toEqual(['takedown-overdue a1']);
    expect(s.payloads['takedown-overdue']).toMatchObject({ reason: 'sunset', outcome: 'retry' });

    s.adapter.fault = undefined;
    s.advance(3_600_000);
    await s.distributor.sweep();
    expect(s.events.slice(3)).toEqual(['removed a1']);
    expect(s.payloads.removed).toMatchObject({ reason: 'sunset', record: { state: 'removed' } });
    expect(s.spans.map((x) => x.name)).toEqual([
      'framewise.distribution.submit',
      'framewise.distribution.remove',
      'framewise.distribution.remove',
    ]);
  });

  it('announces parked work and failures with the error', async () => {
    const s = setup();
    s.adapter.fault = 'quota';
    s.adapter.quotaResetsAt = new Date(s.now() + 3_600_000).toISOString();
    await s.distributor.ready('a2', 'a2-v');
    await s.distributor.sweep();
    expect(s.events).toEqual(['parked a2']);
    expect(s.payloads.parked?.until).toBe(s.adapter.quotaResetsAt);

    s.adapter.fault = 'auth';
    s.advance(2 * 3_600_000);
    await s.distributor.sweep();
    expect(s.events).toEqual(['parked a2', 'failed a2']);
    expect(s.payloads.failed).toMatchObject({
      from: 'submitting',
      error: { code: 'AUTH' },
      record: { state: 'error-submit' },
    });
    expect(s.logs.some((l) => l.message === 'distribution: submit failed')).toBe(true);
  });
});

describe('distributor options', () => {
  const base = { store: createMemoryDistributionStore(), source: { load: async (id: string) => subject(id) } };

  it('parses them once, naming each wrong option, as INVALID_CONFIG', () => {
    const attempt = (options: unknown) => {
      try {
        createDistributor(options as Parameters<typeof createDistributor>[0]);
      } catch (error) {
        return error;
      }
      throw new Error('accepted');
    };
    const noStore = attempt({ ...base, store: {}, endpoints: [] });
    expect(isFramewiseError(noStore, 'INVALID_CONFIG')).toBe(true);
    expect((noStore as Error).message).toMatch(
      /^Distributor options is invalid: store: must be a DistributionRecordStore/,
    );
    expect((attempt({ ...base, endpoints: [], retry: { maxAttempts: 0 } }) as Error).message).toMatch(
      /retry\.maxAttempts: retry\.maxAttempts must be ≥ 1/,
    );
    const adapter = new MemoryEndpoint();
    const e = {
      id: 'e',
      profile: { id: 'e', name: 'e', rights: { channel: 'svod', territories: ['GB'] } },
      adapter,
      fields: () => ({}),
    };
    expect((attempt({ ...base, endpoints: [e, e] }) as Error).message).toMatch(/Endpoint "e" is declared twice/);
  });

  it('still constructs with new', async () => {
    const distributor = new Distributor({ ...base, endpoints: [] });
    expect((await distributor.sweep(0)).examined).toBe(0);
  });
});

describe('endpoint slots', () => {
  it('holds a key to its capacity, serves waiters in order, and lets a waiter give up', async () => {
    const slots = createEndpointSlots();
    const first = await slots.acquire('e', 2);
    const second = await slots.acquire('e', 2);
    const order: string[] = [];
    const third = slots.acquire('e', 2).then((release) => {
      order.push('third');
      return release;
    });
    const controller = new AbortController();
    const gaveUp = slots.acquire('e', 2, controller.signal);
    const fourth = slots.acquire('e', 2).then((release) => {
      order.push('fourth');
      return release;
    });
    const other = await slots.acquire('other', 1); // another key is not held up
    controller.abort();
    await expect(gaveUp).rejects.toSatisfy((e: unknown) => isFramewiseError(e, 'CANCELLED'));
    first();
    first(); // a second release does nothing
    (await third)();
    second();
    (await fourth)();
    other();
    expect(order).toEqual(['third', 'fourth']);
    const again = await slots.acquire('e', 1);
    again();
  });
});
