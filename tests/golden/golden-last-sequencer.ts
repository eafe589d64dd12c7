/**
 * Vitest's file order (its own: slowest first by the last run), with the golden test moved to
 * the end, so that on a machine with one or two workers the contract test has made the runs the
 * golden test reuses (run-records.ts) before it looks for them. The order changes only how long
 * the suite takes: a run the golden test does not find, it makes itself.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const isGolden = (f: TestSpecification): boolean => f.moduleId.replaceAll('\\', '/').includes('/tests/golden/');

export class GoldenLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((f) => !isGolden(f)), ...sorted.filter(isGolden)];
  }
}
