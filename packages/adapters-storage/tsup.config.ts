import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    fs: 'src/fs/index.ts',
    s3: 'src/s3/index.ts',
    postgres: 'src/postgres/index.ts',
    pglite: 'src/pglite/index.ts',
  },
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  removeNodeProtocol: false,
  external: ['@framewise/core', 'pg', '@electric-sql/pglite', 'zod', /^@aws-sdk\//],
});
