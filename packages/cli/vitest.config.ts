import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@framewise/source'] },
  ssr: { resolve: { conditions: ['@framewise/source'] } },
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
