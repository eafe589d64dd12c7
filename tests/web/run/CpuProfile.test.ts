/**
 * The CPU profile as the lab shows it: the hottest lines first with their self time and share,
 * a row per line that leads to the editor, the platform's own work apart, and gutter marks only
 * for lines that used a real share of the main thread.
 */
import { describe, expect, it } from 'vitest';
import type { CpuProfile as Profile } from '../../../runner/index.ts';
import { CpuProfile } from '../../../web/run/CpuProfile.tsx';
import { formatShare, heatLevel, heatMarks } from '../../../web/run/profileHeat.ts';
import { renderHtml, rowsOf, textOf } from '../renderText.ts';

const line = (n: number, selfMs: number, functionName = 'handler', platformMs = 0) => ({
  line: n,
  text: `line ${n} code`,
  functionName,
  selfMs,
  javascriptMs: selfMs - platformMs,
  platformMs,
});

const starterLike: Profile = {
  version: 1,
  busyMs: 40_000,
  lines: [line(26, 36_000, 'verifyPassword', 35_999), line(31, 1, 'createSession'), line(41, 0.25, 'GET /api/products/:id')],
  functions: [
    { name: 'verifyPassword', line: 24, selfMs: 36_000 },
    { name: 'createSession', line: 30, selfMs: 1 },
  ],
  platform: [
    { label: '(platform: HTTP parsing)', ms: 3000 },
    { label: '(platform: promise jobs)', ms: 30 },
  ],
};

describe('CPU profile panel', () => {
  it('lists lines hottest first, with self time, share and the line to reveal', () => {
    const html = renderHtml(CpuProfile, { profile: starterLike });
    const rows = rowsOf(html).slice(1); // after the header
    expect(rows.map((r) => /data-line="(\d+)"/.exec(r)?.[1])).toEqual(['26', '31', '41']);
    expect(textOf(rows[0])).toContain('verifyPassword');
    expect(textOf(rows[0])).toContain('36.00 s');
    expect(textOf(rows[0])).toContain('90.0%');
    expect(rows[0]).toContain('data-heat="4"');
    expect(rows[0]).toContain('aria-label="Show line 26 in the editor"');
    expect(textOf(rows[2])).toContain('<0.1%');
  });

  it("says how long the main thread was busy and lists the platform's own work apart", () => {
    const text = textOf(renderHtml(CpuProfile, { profile: starterLike }));
    expect(text).toContain('Where the CPU went');
    expect(text).toContain('busy for 40.00 s');
    expect(text).toContain('Not in your code');
    expect(text).toContain('(platform: HTTP parsing) 3.00 s (7.5%)');
    expect(text).not.toContain('idle');
  });

  it('shows nothing for a run without a profile', () => {
    expect(renderHtml(CpuProfile, { profile: undefined })).toBe('');
  });
});

describe('gutter heat', () => {
  it("marks lines by their share of the main thread's busy time, hottest first, at most five", () => {
    expect(heatLevel(0.9)).toBe(4);
    expect(heatLevel(0.06)).toBe(3);
    expect(heatLevel(0.02)).toBe(2);
    expect(heatLevel(0.002)).toBe(1);
    expect(heatLevel(0.0001)).toBe(0);
    const marks = heatMarks(starterLike);
    expect(marks.map((m) => [m.line, m.level])).toEqual([[26, 4]]);
    expect(marks[0].note).toBe("90.0% of the main thread's CPU (36.00 s) in verifyPassword");
    const many: Profile = { ...starterLike, busyMs: 100, lines: Array.from({ length: 8 }, (_, i) => line(i + 1, 10 - i)) };
    expect(heatMarks(many).map((m) => m.line)).toEqual([1, 2, 3, 4, 5]);
    expect(formatShare(0.0005)).toBe('<0.1%');
  });
});
