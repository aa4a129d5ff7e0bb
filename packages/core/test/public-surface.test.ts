/**
 * The root entry is the public domain API: every name of every domain subpath, and nothing that
 * only adapter authors need (those live in `@framewise/core/adapter-kit`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
};
/** Every subpath's exported names, loaded from the source condition. */
const surfaces = new Map<string, Set<string>>();
for (const [subpath, target] of Object.entries(manifest.exports)) {
  if (typeof target === 'string' || subpath === './testing') continue;
  const source = target['@framewise/source'];
  if (source === undefined) continue;
  const mod = (await import(new URL(`../${source}`, import.meta.url).href)) as Record<string, unknown>;
  surfaces.set(subpath, new Set(Object.keys(mod)));
}
const root = surfaces.get('.') ?? new Set<string>();
const kit = surfaces.get('./adapter-kit') ?? new Set<string>();
const domains = [...surfaces].filter(([subpath]) => subpath !== '.' && subpath !== './adapter-kit');
const domainNames = new Set(domains.flatMap(([, names]) => [...names]));

describe('public surface of @framewise/core', () => {
  it('has one subpath per domain, /adapter-kit and /testing', () => {
    expect(Object.keys(manifest.exports).sort()).toEqual(
      [
        '.',
        './adapter-kit',
        './archive',
        './assets',
        './captions',
        './catalog',
        './delivery',
        './errors',
        './ingest',
        './interchange',
        './package.json',
        './qc',
        './rights',
        './scheduler',
        './storage',
        './testing',
        './time',
        './time/schemas',
        './transcode',
      ].sort(),
    );
  });

  it('re-exports every domain name from the root', () => {
    const missing = domains.flatMap(([subpath, names]) =>
      [...names].filter((name) => !root.has(name)).map((name) => `${subpath}: ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('keeps adapter-kit-only helpers off the root and out of every domain subpath', () => {
    // The ports hosts inject (Logger, Clock, Tracer: types, absent at run time) and their defaults
    // are on the root too, since public factory options name them.
    const shared = new Set(['silentLogger', 'systemClock']);
    const kitOnly = [...kit].filter((name) => !domainNames.has(name) && !shared.has(name));
    expect(kitOnly.length).toBeGreaterThan(20);
    expect(kitOnly.filter((name) => root.has(name))).toEqual([]);
    for (const name of [
      'parseInput',
      'parseOptions',
      'newId',
      'tokenize',
      'HashWorker',
      'ResourceSlots',
      'isRetryable',
    ])
      expect(kit.has(name), name).toBe(true);
    for (const name of ['parseInput', 'newId', 'tokenize', 'score', 'CLASS_SCORE', 'GENESIS_HASH', 'HashWorker'])
      expect(root.has(name), name).toBe(false);
  });

  it('exports nothing from the root that no subpath names', () => {
    const orphans = [...root].filter((name) => !domainNames.has(name) && !kit.has(name));
    expect(orphans).toEqual([]);
  });
});
