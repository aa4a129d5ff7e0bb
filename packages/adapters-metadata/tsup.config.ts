import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    ebucore: 'src/ebucore/index.ts',
    bxf: 'src/bxf/index.ts',
    avails: 'src/avails/index.ts',
    cpix: 'src/cpix/index.ts',
    xml: 'src/xml/index.ts',
  },
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  removeNodeProtocol: false,
  external: ['@framewise/core', 'zod', 'read-excel-file', 'write-excel-file'],
});
