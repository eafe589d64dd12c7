import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/web/**/*.test.ts', 'tests/queueing/**/*.test.ts', 'tests/scenarios/**/*.test.ts', 'tests/security/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
