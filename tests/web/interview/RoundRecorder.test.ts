import { describe, expect, it } from 'vitest';
import { chainProblem, type InterviewSettings, type RoundEvent, settingsSha256, textAt } from '../../../runner/interview/index.ts';
import { RoundRecorder } from '../../../web/interview/RoundRecorder.ts';
import { memoryRoundStore } from '../../../web/interview/roundStore.ts';

const SETTINGS: InterviewSettings = {
  scenarioId: 'n-plus-one',
  timeLimitMin: 30,
  hintsAllowed: 1,
  reveal: false,
  visibleSeeds: [1],
  hidden: { seeds: [2], loadScale: 1 },
};
const FIRST: RoundEvent = { type: 'settings', settings: SETTINGS, settingsSha256: settingsSha256(SETTINGS), engine: 'e' };
const ROUND = settingsSha256(SETTINGS);

/** A clock the test moves by hand. */
function clock(startMs = 1_000_000) {
  let t = startMs;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** An editor stand-in: applies a replacement and reports it as Monaco does. */
function type(rec: RoundRecorder, editor: { text: string }, offset: number, length: number, text: string) {
  editor.text = editor.text.slice(0, offset) + text + editor.text.slice(offset + length);
  rec.edit([{ rangeOffset: offset, rangeLength: length, text }], editor.text);
}

describe('RoundRecorder', () => {
  it('starts with the settings and the starting text, and records edits that replay exactly', async () => {
    const c = clock();
    const rec = await RoundRecorder.open(memoryRoundStore(), ROUND, c.now, FIRST, 'const a = 1;\n');
    const editor = { text: 'const a = 1;\n' };
    type(rec, editor, 10, 1, '42');
    c.advance(500);
    type(rec, editor, 0, 0, '// note\n');
    expect(rec.records.map((r) => r.event.type)).toEqual(['settings', 'start', 'edit', 'edit']);
    expect(rec.code).toBe('// note\nconst a = 42;\n');
    expect(textAt(rec.records)).toBe(editor.text);
    expect(chainProblem(rec.records)).toBeNull();
    expect(rec.records[3].atMs - rec.records[2].atMs).toBe(500);
  });

  it('records the whole text when an edit does not match what it has, so the replay still matches the editor', async () => {
    const rec = await RoundRecorder.open(memoryRoundStore(), ROUND, clock().now, FIRST, 'abc');
    rec.edit([{ rangeOffset: 0, rangeLength: 0, text: 'x' }], 'something else');
    expect(textAt(rec.records)).toBe('something else');
  });

  it('loses nothing on reload: a new page reads the same records and goes on from them', async () => {
    const store = memoryRoundStore();
    const c = clock();
    const first = await RoundRecorder.open(store, ROUND, c.now, FIRST, 'abc');
    const editor = { text: 'abc' };
    type(first, editor, 3, 0, 'd');
    first.append({ type: 'hint', index: 0 });
    first.paste('a\nb\nc\nd\ne\nf');
    first.paste('short');
    await first.flushed();

    c.advance(60_000);
    const again = await RoundRecorder.open(store, ROUND, c.now, FIRST, 'ignored: the round has started');
    expect(again.records).toEqual(first.records);
    expect(again.code).toBe('abcd');
    expect(again.hintsOpened).toBe(1);
    expect(again.startedAtMs).toBe(first.startedAtMs);
    type(again, editor, 0, 1, 'A');
    expect(textAt(again.records)).toBe('Abcd');
    expect(chainProblem(again.records)).toBeNull();
    expect(again.records.filter((r) => r.event.type === 'paste')).toHaveLength(1);
  });

  it('keeps records in order even when the wall clock steps back', async () => {
    const c = clock();
    const rec = await RoundRecorder.open(memoryRoundStore(), ROUND, c.now, FIRST, '');
    c.advance(-5_000);
    rec.append({ type: 'focus', away: true });
    expect(chainProblem(rec.records)).toBeNull();
  });

  it('says so when the store refuses a record (another tab on the same round), and keeps recording in the page', async () => {
    const store = memoryRoundStore();
    const refusing = { ...store, append: async () => Promise.reject(new Error('ConstraintError')) };
    const rec = await RoundRecorder.open(refusing, ROUND, clock().now, FIRST, 'abc');
    let told = 0;
    rec.subscribe(() => told++);
    await rec.flushed();
    expect(rec.saving).toBe(false);
    rec.append({ type: 'hint', index: 0 });
    expect(rec.records).toHaveLength(3);
    expect(chainProblem(rec.records)).toBeNull();
    expect(told).toBeGreaterThan(0);
  });

  it('records no edit after the submission', async () => {
    const rec = await RoundRecorder.open(memoryRoundStore(), ROUND, clock().now, FIRST, '');
    rec.append({ type: 'submit', reason: 'timeout', note: '' });
    rec.edit([{ rangeOffset: 0, rangeLength: 0, text: 'late' }], 'late');
    expect(rec.records.at(-1)!.event.type).toBe('submit');
    expect(rec.submitted).toBe(true);
  });
});
