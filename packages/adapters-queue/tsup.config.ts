import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { bullmq: 'src/bullmq/index.ts' },
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  removeNodeProtocol: false,
  external: ['@framewise/core', 'bullmq', 'ioredis'],
});
