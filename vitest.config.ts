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
      'tests/workshop/**/*.test.ts',
    ],
    // Lets the golden test reuse the contract test's runs (tests/golden/run-records.ts).
    globalSetup: ['tests/golden/run-records-setup.ts'],
    sequence: { sequencer: GoldenLastSequencer },
    // A guard against a test that hangs, not a speed limit: the machines that run the tests
    // are shared, and a test that builds a Postgres snapshot per scenario took over 2 minutes
    // under load. Speed is measured by `npm run bench`.
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
