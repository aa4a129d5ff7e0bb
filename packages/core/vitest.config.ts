import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@framewise/source'] },
  ssr: { resolve: { conditions: ['@framewise/source'] } },
  test: {
    name: 'core',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Generous: on a loaded 2-core machine a whole-day timecode sweep or an ffprobe run takes several seconds.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
