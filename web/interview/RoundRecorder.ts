/**
 * Records one interview round: appends each event to the hash chain at once (so the order
 * is the order things happened on the page), keeps the editor's text as the edits give it,
 * and writes each record to the store one after another. Reopening a round reads its records
 * back, so a reload goes on from where it was.
 */
import {
  applyChanges,
  isLargePaste,
  nextRecord,
  type RoundEvent,
  type RoundRecord,
  type TextChange,
  textAt,
} from '../../runner/interview/index.ts';
import type { RoundStore } from './roundStore.ts';

export class RoundRecorder {
  private readonly list: RoundRecord[];
  private text: string | null;
  private writes: Promise<unknown> = Promise.resolve();
  private writeFailed = false;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly store: RoundStore,
    readonly roundId: string,
    private readonly now: () => number,
    records: RoundRecord[],
  ) {
    this.list = records;
    this.text = textAt(records);
  }

  /**
   * The round's recorder: its stored records when there are any and they chain, else a new
   * recording that starts with `first` (the settings) and `startCode`.
   */
  static async open(store: RoundStore, roundId: string, now: () => number, first: RoundEvent, startCode: string): Promise<RoundRecorder> {
    const stored = await store.load(roundId);
    // Kept even if its chain were broken: nothing recorded is dropped, and verify would say so.
    if (stored.length >= 2) return new RoundRecorder(store, roundId, now, stored);
    const recorder = new RoundRecorder(store, roundId, now, []);
    recorder.append(first);
    recorder.append({ type: 'start', code: startCode });
    return recorder;
  }

  get records(): readonly RoundRecord[] {
    return this.list;
  }

  /** The editor's text as the recorded edits give it. */
  get code(): string {
    return this.text ?? '';
  }

  get startedAtMs(): number {
    return this.list[1]?.atMs ?? this.list[0].atMs;
  }

  get submitted(): boolean {
    return this.list.some((r) => r.event.type === 'submit');
  }

  /** Hints opened so far. */
  get hintsOpened(): number {
    return this.list.filter((r) => r.event.type === 'hint').length;
  }

  /** False once a write to the store has failed: the page warns that a reload would lose work. */
  get saving(): boolean {
    return !this.writeFailed;
  }

  append(event: RoundEvent): RoundRecord {
    const last = this.list.at(-1);
    // The wall clock can step back (a time change): a record is never dated before the last.
    const record = nextRecord(last, Math.max(this.now(), last?.atMs ?? 0), event);
    this.list.push(record);
    if (event.type === 'start') this.text = event.code;
    this.writes = this.writes.then(() =>
      this.store.append(this.roundId, record).catch(() => {
        this.writeFailed = true;
        for (const l of this.listeners) l();
      }),
    );
    for (const l of this.listeners) l();
    return record;
  }

  /**
   * One content-change event of the editor, and the text the editor holds after it. Should
   * the two ever disagree (an edit the page did not see), the whole text is recorded as one
   * change, so the replay still gives exactly what the editor held.
   */
  edit(changes: TextChange[], editorText: string): void {
    if (this.submitted) return;
    const before = this.code;
    let after: string | null;
    try {
      after = applyChanges(before, changes);
    } catch {
      after = null;
    }
    const recorded = after === editorText ? changes : [{ rangeOffset: 0, rangeLength: before.length, text: editorText }];
    this.text = editorText;
    this.append({ type: 'edit', changes: recorded.map((c) => ({ rangeOffset: c.rangeOffset, rangeLength: c.rangeLength, text: c.text })) });
  }

  /** A paste: recorded (flagged) when it is large. */
  paste(text: string): void {
    if (!this.submitted && isLargePaste(text)) this.append({ type: 'paste', chars: text.length, lines: text.split('\n').length });
  }

  /** Resolves once every record so far is in the store. */
  flushed(): Promise<void> {
    return this.writes.then(() => undefined);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
