import { defineConfig } from 'tsup';

export default defineConfig({
  // The bin loads each command's module on demand (dynamic imports become chunks), so
  // `framewise tc convert` never loads ffmpeg, PGlite or the XML adapters.
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm'],
  target: 'node20',
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  removeNodeProtocol: false,
  external: [/^@framewise\//, 'zod', 'commander', 'uplot', '@electric-sql/pglite', 'pg'],
});
