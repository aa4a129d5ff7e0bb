import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: { readonly script: string; readonly style: string } | undefined;

/** uPlot's browser build and stylesheet, read once from the installed `uplot` package, to inline into the page. */
export function uplotAssets(): { readonly script: string; readonly style: string } {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('uplot'));
  cached = {
    script: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8'),
    style: readFileSync(join(dist, 'uPlot.min.css'), 'utf8'),
  };
  return cached;
}
