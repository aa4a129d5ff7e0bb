import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { ltfs: 'src/ltfs/index.ts', library: 'src/library/index.ts' },
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  removeNodeProtocol: false,
  external: ['@framewise/core', '@framewise/adapters-metadata', 'zod'],
});
