import { defineConfig } from 'vitest/config';
import { GoldenLastSequencer } from './tests/golden/golden-last-sequencer.ts';

export default defineConfig({
  test: {
    include: [
      'tests/unit/**/*.test.ts',
      'tests/web/**/*.test.ts',
      'tests/queueing/**/*.test.ts',
      'tests/scenarios/**/*.test.ts',
      'tests/security/**/*.test.ts',
      'tests/golden/**/*.test.ts',
    ],
    // Lets the golden test reuse the contract test's runs (tests/golden/run-records.ts).
    globalSetup: ['tests/golden/run-records-setup.ts'],
    sequence: { sequencer: GoldenLastSequencer },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
