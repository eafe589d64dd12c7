/**
 * The hash chain over a round's records: each record's hash covers the previous one's, so
 * changing, removing, reordering or inserting any record breaks every hash after it. The
 * chain proves the record was not edited after the fact by someone without the means to
 * re-hash it; whoever can re-hash is caught by the re-runs and the replay (verify.ts).
 */
import { sha256Hex } from '../provenance.ts';
import { canonicalJson } from './canonical.ts';
import type { RoundEvent, RoundRecord } from './events.ts';

export const GENESIS_SHA256 = '0'.repeat(64);

export function recordSha256(prevSha256: string, seq: number, atMs: number, event: RoundEvent): string {
  return sha256Hex(`${prevSha256}\n${canonicalJson({ seq, atMs, event })}`);
}

/** The record that follows `last` (or starts the chain). */
export function nextRecord(last: RoundRecord | undefined, atMs: number, event: RoundEvent): RoundRecord {
  const seq = last ? last.seq + 1 : 0;
  const prevSha256 = last ? last.sha256 : GENESIS_SHA256;
  return { seq, atMs, event, prevSha256, sha256: recordSha256(prevSha256, seq, atMs, event) };
}

/** The first break in the chain, in words, or null when every link holds. */
export function chainProblem(records: readonly RoundRecord[]): string | null {
  let prev = GENESIS_SHA256;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const what = `record ${i} (${describeEvent(r?.event)})`;
    if (typeof r !== 'object' || r === null) return `record ${i} is not a record`;
    if (r.seq !== i) return `${what} has sequence number ${r.seq}, expected ${i}: a record was removed, inserted or moved`;
    if (r.prevSha256 !== prev) return `${what} does not follow the record before it (its previous hash differs)`;
    if (r.sha256 !== recordSha256(r.prevSha256, r.seq, r.atMs, r.event)) return `${what} was altered: its hash does not match its content`;
    if (i > 0 && r.atMs < records[i - 1].atMs) return `${what} is dated before the record before it`;
    prev = r.sha256;
  }
  return null;
}

export function describeEvent(e: RoundEvent | undefined): string {
  if (!e || typeof e !== 'object') return 'unknown';
  if (e.type === 'run') return `${e.purpose} run, seed ${e.seed}, load ×${e.loadScale}`;
  return e.type;
}
