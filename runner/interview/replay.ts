/**
 * Replays a round's edits to the text the editor held at any point. Monaco reports the
 * changes of one content-change event against the text before that event, without
 * overlapping; applied from the last offset to the first, none moves another's offsets.
 */
import type { RoundRecord, TextChange } from './events.ts';

export function applyChanges(text: string, changes: readonly TextChange[]): string {
  const ordered = [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset);
  let out = text;
  for (const c of ordered) {
    if (c.rangeOffset < 0 || c.rangeLength < 0 || c.rangeOffset + c.rangeLength > out.length) {
      throw new RangeError(`an edit reaches past the end of the text (offset ${c.rangeOffset}, length ${c.rangeLength})`);
    }
    out = out.slice(0, c.rangeOffset) + c.text + out.slice(c.rangeOffset + c.rangeLength);
  }
  return out;
}

/**
 * The editor's text after every record before `endSeq` (all records when omitted); null before
 * the `start` record. Throws RangeError on an edit that does not fit the text.
 */
export function textAt(records: readonly RoundRecord[], endSeq = Number.POSITIVE_INFINITY): string | null {
  let text: string | null = null;
  for (const r of records) {
    if (r.seq >= endSeq) break;
    if (r.event.type === 'start') text = r.event.code;
    else if (r.event.type === 'edit' && text !== null) text = applyChanges(text, r.event.changes);
  }
  return text;
}

/** The text after each edit, in order: the playback's frames (the first is the start). */
export function replayFrames(records: readonly RoundRecord[]): { seq: number; atMs: number; text: string }[] {
  const frames: { seq: number; atMs: number; text: string }[] = [];
  let text: string | null = null;
  for (const r of records) {
    if (r.event.type === 'start') text = r.event.code;
    else if (r.event.type === 'edit' && text !== null) text = applyChanges(text, r.event.changes);
    else continue;
    frames.push({ seq: r.seq, atMs: r.atMs, text });
  }
  return frames;
}
