import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@framewise/source'] },
  ssr: { resolve: { conditions: ['@framewise/source'] } },
  test: {
    name: 'adapters-tape',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // LTFS mounts are FUSE processes: one test file at a time keeps the 2-core machine usable.
    fileParallelism: false,
  },
});
