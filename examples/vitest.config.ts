import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@framewise/source'] },
  ssr: { resolve: { conditions: ['@framewise/source'] } },
  test: {
    name: 'examples',
    include: ['test/**/*.test.ts'],
    // A hang guard, not a speed target: the demo grows with every capability and runs on loaded machines.
    testTimeout: 900_000,
  },
});
