/**
 * Requests completed and failed per 100 ms of completion time, the resolution at which
 * recovery is measured (see slo/recovery.ts). One-second buckets are too coarse for that: at
 * 85 requests/s a single stray timeout is 1.2% of its second.
 */
export const OUTCOME_BIN_MS = 100;

export class OutcomeTimeline {
  readonly #completed: number[] = [];
  readonly #failed: number[] = [];

  add(endMs: number, failed: boolean): void {
    const i = Math.floor(endMs / OUTCOME_BIN_MS);
    while (this.#completed.length <= i) {
      this.#completed.push(0);
      this.#failed.push(0);
    }
    this.#completed[i]++;
    if (failed) this.#failed[i]++;
  }

  /** Running totals: `completed[i]` and `failed[i]` count the bins before bin i. */
  prefixSums(bins: number): { completed: Float64Array; failed: Float64Array } {
    const completed = new Float64Array(bins + 1);
    const failed = new Float64Array(bins + 1);
    for (let i = 0; i < bins; i++) {
      completed[i + 1] = completed[i] + (this.#completed[i] ?? 0);
      failed[i + 1] = failed[i] + (this.#failed[i] ?? 0);
    }
    return { completed, failed };
  }
}
