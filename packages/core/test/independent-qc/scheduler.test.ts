import { describe, expect, it } from 'vitest';
import { createInProcessBackend, createScheduler } from '../../src/index.js';

const hostile = (): Record<string, unknown> => ({
  nullProto: Object.create(null),
  toStringThrows: {
    toString() {
      throw new Error('no');
    },
  },
  symbol: Symbol('boom'),
  proxy: new Proxy(
    {},
    {
      get() {
        throw new Error('trap get');
      },
      has() {
        throw new Error('trap has');
      },
      ownKeys() {
        throw new Error('trap ownKeys');
      },
      getPrototypeOf() {
        throw new Error('trap getPrototypeOf');
      },
      getOwnPropertyDescriptor() {
        throw new Error('trap gOPD');
      },
      apply() {
        throw new Error('trap apply');
      },
      set() {
        throw new Error('trap set');
      },
      defineProperty() {
        throw new Error('trap defineProperty');
      },
      deleteProperty() {
        throw new Error('trap deleteProperty');
      },
      isExtensible() {
        throw new Error('trap isExtensible');
      },
      preventExtensions() {
        throw new Error('trap preventExtensions');
      },
      setPrototypeOf() {
        throw new Error('trap setPrototypeOf');
      },
    },
  ),
  revokedProxy: (() => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  })(),
  undef: undefined,
  bigint: 10n,
  fnThrowingToString: Object.assign(() => 0, {
    toString() {
      throw new Error('x');
    },
  }),
  symbolToPrimitive: {
    [Symbol.toPrimitive]() {
      throw new Error('prim');
    },
  },
});

describe('independent: scheduler survives any thrown value', () => {
  for (const [name, value] of Object.entries(hostile())) {
    for (const mode of ['async', 'sync'] as const) {
      it(`${name} thrown (${mode}) -> job fails, queue keeps serving`, async () => {
        const s = createScheduler({ resources: { cpu: 1 } });
        s.define('bad', {
          retry: { attempts: 1 },
          handler:
            mode === 'async'
              ? async () => {
                  throw value;
                }
              : ((() => {
                  throw value;
                }) as never),
        });
        s.define('good', { handler: async () => 'ok' });
        const bad = s.submit('bad', {});
        const bad2 = s.submit('bad', {});
        const good = s.submit('good', {});
        const r = await bad.result.then(
          () => 'resolved',
          (e: unknown) => e,
        );
        expect(r).not.toBe('resolved');
        expect(r).toMatchObject({ code: expect.any(String) });
        await bad2.result.catch(() => undefined);
        await expect(good.result).resolves.toBe('ok');
        await s.drain();
      }, 10_000);
    }
  }

  it('in-process backend survives a Proxy-that-throws rejection and serves next job', async () => {
    const v = hostile();
    const q = createInProcessBackend({
      definitions: {
        bad: {
          retry: { attempts: 1 },
          handler: async () => {
            throw v.proxy;
          },
        },
        good: { handler: async () => 'ok' },
      },
      resources: { cpu: 1 },
    } as never);
    const { id: b } = await q.submit('bad' as never, {} as never);
    const { id: g } = await q.submit('good' as never, {} as never);
    await expect(q.result(b as never)).rejects.toMatchObject({ code: expect.any(String) });
    await expect(q.result(g as never)).resolves.toBe('ok');
    await q.close({ drain: true });
  }, 10_000);

  it('a handler that never settles is timed out; slot frees; drain completes', async () => {
    const s = createScheduler({ resources: { cpu: 1 }, jobTimeoutMs: 200 } as never);
    s.define('hang', { retry: { attempts: 1 }, handler: () => new Promise<never>(() => {}) });
    s.define('good', { handler: async () => 'ok' });
    const hang = s.submit('hang', {});
    const good = s.submit('good', {});
    await expect(hang.result).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect(good.result).resolves.toBe('ok');
    await s.drain();
  }, 10_000);

  it('per-definition timeoutMs on a never-settling handler that ignores its signal, with retries', async () => {
    const s = createScheduler({ resources: { cpu: 1 } });
    let attempts = 0;
    s.define('hang', {
      timeoutMs: 100,
      retry: { attempts: 2, backoffMs: 1 } as never,
      handler: () => {
        attempts++;
        return new Promise<never>(() => {});
      },
    });
    s.define('good', { handler: async () => 'ok' });
    const hang = s.submit('hang', {});
    const good = s.submit('good', {});
    await expect(hang.result).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect(good.result).resolves.toBe('ok');
    await s.drain();
    expect(attempts).toBe(2);
  }, 10_000);
});
