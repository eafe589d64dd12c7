/**
 * Vitest global setup: an empty directory for the runs the contract test hands to the golden
 * test (see run-records.ts), made before any test file runs and deleted after the last, so
 * that no record is ever read by a later invocation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'tailspin-golden-runs-'));
  project.provide('goldenRunRecordsDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
