import { defineConfig } from 'tsup';

/** One entry per subpath of the exports map (`time/schemas` builds to `dist/time-schemas.js`). */
const subpaths = {
  index: 'src/index.ts',
  time: 'src/time/index.ts',
  'time-schemas': 'src/time/schemas.ts',
  assets: 'src/assets/index.ts',
  catalog: 'src/catalog/index.ts',
  rights: 'src/rights/index.ts',
  scheduler: 'src/scheduler/index.ts',
  transcode: 'src/transcode/index.ts',
  qc: 'src/qc/index.ts',
  captions: 'src/captions/index.ts',
  storage: 'src/storage/index.ts',
  archive: 'src/archive/index.ts',
  delivery: 'src/delivery/index.ts',
  interchange: 'src/interchange/index.ts',
  ingest: 'src/ingest/index.ts',
  errors: 'src/errors/index.ts',
  'adapter-kit': 'src/adapter-kit/index.ts',
  testing: 'src/testing/index.ts',
};

export default defineConfig({
  entry: subpaths,
  external: ['vitest'],
  format: ['esm'],
  target: 'node20',
  // Shared chunks: a class is defined once however many subpaths a program imports.
  splitting: true,
  dts: { compilerOptions: { stripInternal: true } },
  sourcemap: true,
  clean: true,
  treeshake: true,
  removeNodeProtocol: false,
});
