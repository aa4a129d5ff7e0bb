import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { folder: 'src/folder/index.ts' },
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  removeNodeProtocol: false,
  external: ['@framewise/core', 'zod'],
});
