import { describe, expect, it } from 'vitest';
import {
  applyChanges,
  chainProblem,
  nextRecord,
  replayFrames,
  type RoundEvent,
  type RoundRecord,
  settingsSha256,
  textAt,
  type InterviewSettings,
} from '../../../runner/interview/index.ts';
import { createPrng } from '../../../runner/index.ts';

const SETTINGS: InterviewSettings = {
  scenarioId: 'n-plus-one',
  timeLimitMin: 30,
  hintsAllowed: 0,
  reveal: false,
  visibleSeeds: [1],
  hidden: { seeds: [2], loadScale: 1 },
};

function chain(events: RoundEvent[]): RoundRecord[] {
  const out: RoundRecord[] = [];
  for (const [i, e] of events.entries()) out.push(nextRecord(out.at(-1), 1_000 + i * 10, e));
  return out;
}

/** Random edits as Monaco reports them: several changes per event, offsets against the text before it. */
function randomEdits(start: string, count: number, seed: number): { events: RoundEvent[]; final: string } {
  const prng = createPrng(seed);
  const int = (n: number) => Math.floor(prng.next() * n);
  let text = start;
  const events: RoundEvent[] = [];
  for (let i = 0; i < count; i++) {
    // Non-overlapping ranges, made against `text`, applied from the end backwards.
    const cuts = [int(text.length + 1), int(text.length + 1), int(text.length + 1), int(text.length + 1)].sort((a, b) => a - b);
    const changes = [{ rangeOffset: cuts[0], rangeLength: cuts[1] - cuts[0], text: ['', 'x', 'await ', '\n  ', 'é🙂'][int(5)] }];
    // Two changes of one event never touch (Monaco merges cursors that meet).
    if (cuts[2] > cuts[1]) changes.push({ rangeOffset: cuts[2], rangeLength: cuts[3] - cuts[2], text: ['', 'y', ';\n'][int(3)] });
    let next = text;
    for (const c of [...changes].reverse()) next = next.slice(0, c.rangeOffset) + c.text + next.slice(c.rangeOffset + c.rangeLength);
    // Monaco lists them in either order: the replay must not depend on it.
    events.push({ type: 'edit', changes: int(2) ? changes : [...changes].reverse() });
    text = next;
  }
  return { events, final: text };
}

describe('the recording', () => {
  const start = 'export default function service(app) {\n  app.get("/", () => 1);\n}\n';

  it('replays Monaco changes to the exact final text, whatever their order within an event', () => {
    for (const seed of [1, 2, 3]) {
      const { events, final } = randomEdits(start, 300, seed);
      const records = chain([
        { type: 'settings', settings: SETTINGS, settingsSha256: settingsSha256(SETTINGS), engine: 'e' },
        { type: 'start', code: start },
        ...events,
      ]);
      expect(textAt(records)).toBe(final);
      const frames = replayFrames(records);
      expect(frames).toHaveLength(301);
      expect(frames[0].text).toBe(start);
      expect(frames.at(-1)!.text).toBe(final);
    }
  });

  it('gives the text at any point: before a record, only what came before it', () => {
    const records = chain([
      { type: 'settings', settings: SETTINGS, settingsSha256: settingsSha256(SETTINGS), engine: 'e' },
      { type: 'start', code: 'abc' },
      { type: 'edit', changes: [{ rangeOffset: 3, rangeLength: 0, text: 'd' }] },
      { type: 'hint', index: 0 },
      { type: 'edit', changes: [{ rangeOffset: 0, rangeLength: 1, text: 'A' }] },
    ]);
    expect(textAt(records, 1)).toBeNull();
    expect(textAt(records, 3)).toBe('abcd');
    expect(textAt(records, 4)).toBe('abcd');
    expect(textAt(records)).toBe('Abcd');
  });

  it('refuses an edit that does not fit the text', () => {
    expect(() => applyChanges('abc', [{ rangeOffset: 2, rangeLength: 5, text: '' }])).toThrow(/past the end/);
  });

  describe('the hash chain', () => {
    const records = chain([
      { type: 'settings', settings: SETTINGS, settingsSha256: settingsSha256(SETTINGS), engine: 'e' },
      { type: 'start', code: 'abc' },
      { type: 'edit', changes: [{ rangeOffset: 3, rangeLength: 0, text: 'd' }] },
      { type: 'focus', away: true },
      { type: 'submit', reason: 'candidate', note: 'done' },
    ]);
    const copy = (): RoundRecord[] => JSON.parse(JSON.stringify(records));

    it('holds for the recording as made, and is the same for the same events and times', () => {
      expect(chainProblem(records)).toBeNull();
      expect(chain(records.map((r) => r.event)).at(-1)!.sha256).toBe(records.at(-1)!.sha256);
    });

    it('breaks when any event changes, naming the record', () => {
      const r = copy();
      (r[2].event as { changes: { text: string }[] }).changes[0].text = 'e';
      expect(chainProblem(r)).toMatch(/^record 2 \(edit\) was altered/);
      const s = copy();
      (s[0].event as { settings: InterviewSettings }).settings.timeLimitMin = 240;
      expect(chainProblem(s)).toMatch(/^record 0 \(settings\) was altered/);
    });

    it('breaks when a time changes', () => {
      const r = copy();
      r[3].atMs += 1;
      expect(chainProblem(r)).toMatch(/record 3 \(focus\) was altered/);
    });

    it('breaks when a record is removed, inserted or moved, even re-hashed on its own', () => {
      const removed = copy();
      removed.splice(3, 1);
      expect(chainProblem(removed)).toMatch(/record 3 .* sequence number 4/);
      const rehashed = copy();
      rehashed[3] = nextRecord(rehashed[2], rehashed[3].atMs, { type: 'focus', away: false });
      expect(chainProblem(rehashed)).toMatch(/record 4 \(submit\) does not follow the record before it/);
    });
  });
});
