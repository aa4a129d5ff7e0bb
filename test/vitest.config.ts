import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@framewise/source'] },
  ssr: { resolve: { conditions: ['@framewise/source'] } },
  test: { name: 'repo', include: ['*.test.ts'], testTimeout: 30_000 },
});
