import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isFramewiseError } from '../errors/index.js';
import { installCommand, loadOptionalPeer, optionalPeer } from './optional-peer.js';

const MISSING = '@framewise/no-such-package-for-tests';
const subpath = '@framewise/adapters-storage/s3';

/** A specifier held in a variable, so neither TypeScript nor the test runner resolves it ahead of time. */
const importByName = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

describe('loadOptionalPeer', () => {
  it('turns a package that is not installed into INVALID_CONFIG naming the subpath, the package and the install line', async () => {
    const error = await loadOptionalPeer({
      name: MISSING,
      subpath,
      range: '^1.2.0',
      load: () => importByName(MISSING),
    }).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INVALID_CONFIG')).toBe(true);
    expect((error as Error).message).toBe(`${subpath} needs "${MISSING}": install it with npm i ${MISSING}@^1.2.0`);
    expect(error).toMatchObject({ details: { package: MISSING, subpath, range: '^1.2.0' } });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('recognises CommonJS resolution failures too', async () => {
    const require = createRequire(import.meta.url);
    const error = await loadOptionalPeer({
      name: MISSING,
      subpath,
      range: '^1',
      load: async () => require(MISSING) as unknown,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`${subpath} needs "${MISSING}": install it with npm i ${MISSING}@^1`);
  });

  it('tells an installed package that fails to load (a dependency of its own missing) from a missing one', async () => {
    const inner = Object.assign(new Error("Cannot find package 'its-own-dependency' imported from /x/index.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await loadOptionalPeer({
      name: 'ssh2',
      subpath,
      range: '^1.17.0',
      load: () => Promise.reject(inner),
    }).catch((e: unknown) => e);
    expect(isFramewiseError(error, 'INVALID_CONFIG')).toBe(true);
    expect((error as Error).message).toContain('"ssh2", which is installed but failed to load');
    expect((error as Error).message).toContain('its-own-dependency');
    expect((error as Error).cause).toBe(inner);
    // A package whose name is a prefix of the missing one is not mistaken for it.
    const prefixed = Object.assign(new Error("Cannot find package 'pg-pool' imported from /x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const again = await loadOptionalPeer({
      name: 'pg',
      subpath,
      range: '^8',
      load: () => Promise.reject(prefixed),
    }).catch((e: unknown) => e);
    expect((again as Error).message).toContain('installed but failed to load');
  });

  it('returns what the package exports when it is installed', async () => {
    const zod = await loadOptionalPeer({ name: 'zod', subpath, range: '^4', load: () => import('zod') });
    expect(typeof zod.z.object).toBe('function');
  });
});

describe('optionalPeer', () => {
  it('imports once and hands every later call the same promise', async () => {
    let loads = 0;
    const load = optionalPeer({
      name: 'x',
      subpath,
      range: '^1',
      load: async () => {
        loads++;
        return { value: 42 };
      },
    });
    const [a, b] = await Promise.all([load(), load()]);
    const c = await load();
    expect(loads).toBe(1);
    expect(a).toBe(b);
    expect(a).toBe(c);
  });

  it('does not keep a failure: each call fails with the typed error until the package can be loaded', async () => {
    let installed = false;
    let loads = 0;
    const load = optionalPeer({
      name: MISSING,
      subpath,
      range: '^1',
      load: async () => {
        loads++;
        return installed ? { ok: true } : ((await importByName(MISSING)) as { ok: boolean });
      },
    });
    await expect(load()).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(load()).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    installed = true;
    await expect(load()).resolves.toEqual({ ok: true });
    await load();
    expect(loads).toBe(3);
  });
});

describe('installCommand', () => {
  it('is the npm line with the declared range', () => {
    expect(installCommand({ name: '@aws-sdk/client-s3', range: '^3.1162.0' })).toBe(
      'npm i @aws-sdk/client-s3@^3.1162.0',
    );
  });
});
