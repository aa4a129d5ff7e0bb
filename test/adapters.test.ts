/**
 * Every adapter package runs the conformance suite of each port it implements, and has a docs page.
 * A new adapter that skips its suite fails here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Which factory name prefix implements which port, and that port's conformance suite. */
const PORTS: readonly { factory: RegExp; suite: string }[] = [
  { factory: /export function (create\w+CatalogStore)\(/g, suite: 'catalogStoreConformance' },
  { factory: /export function (create\w+Exporter)\(/g, suite: 'interchangeConformance' },
  { factory: /export function (create\w+Endpoint)\(/g, suite: 'distributionAdapterConformance' },
  { factory: /export function (create\w+DistributionStore)\(/g, suite: 'distributionRecordStoreConformance' },
];

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const adapterPackages = readdirSync(join(root, 'packages')).filter((name) => name.startsWith('adapters-'));

describe('adapters', () => {
  it('exist', () => {
    expect(adapterPackages.length).toBeGreaterThan(0);
  });

  for (const pkg of adapterPackages) {
    const dir = join(root, 'packages', pkg);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>;
    };
    // The public entry points (the source condition of each subpath export) and the files beside them.
    const sources = Object.values(manifest.exports)
      .map((entry) => (typeof entry === 'string' ? undefined : entry['@framewise/source']))
      .filter((f): f is string => f !== undefined)
      .flatMap((f) => files(dirname(join(dir, f))))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const tests = [...files(join(dir, 'test')), ...files(join(dir, 'src'))].filter((f) => f.endsWith('.test.ts'));
    const testText = tests.map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const { factory, suite } of PORTS) {
      for (const source of sources) {
        for (const match of readFileSync(source, 'utf8').matchAll(factory)) {
          const name = match[1] as string;
          it(`${pkg}: ${name} runs ${suite}`, () => {
            const calls = testText.split(suite).slice(1);
            expect(
              calls.some((after) => after.slice(0, 2000).includes(name)),
              `no test calls ${suite} with ${name}`,
            ).toBe(true);
          });
          it(`${pkg}: ${name} has a docs page`, () => {
            const docs = files(join(root, 'docs', 'adapters')).map((f) => readFileSync(f, 'utf8'));
            expect(docs.some((text) => text.includes(name))).toBe(true);
          });
        }
      }
    }
  }
});
