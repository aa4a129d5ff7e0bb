import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    folder: 'src/folder/index.ts',
    ftp: 'src/ftp/index.ts',
    sftp: 'src/sftp/index.ts',
    youtube: 'src/youtube/index.ts',
  },
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  removeNodeProtocol: false,
  external: ['@framewise/core', 'zod', 'ssh2', 'basic-ftp'],
});
