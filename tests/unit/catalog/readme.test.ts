import { describe, expect, it } from 'vitest';
import { parseScenarioReadme, ReadmeError } from '../../../runner/catalog/readme.ts';

const GOOD = `---
title: The slow login
difficulty: beginner
tags: [event-loop, "crypto"]
minutes: 15
---
# The slow login

Logins take **seconds** at lunch time.

## Goals
- p99 under 150 ms

## Hints
1. Look at the CPU.
2. Is there an async version?
   It runs on the thread pool.
3) Last one.

## Follow-up questions
Why four threads?
`;

describe('parseScenarioReadme', () => {
  it('reads frontmatter and sections', () => {
    const r = parseScenarioReadme(GOOD);
    expect(r.meta).toEqual({ title: 'The slow login', difficulty: 'beginner', tags: ['event-loop', 'crypto'], minutes: 15 });
    expect(r.story).toBe('Logins take **seconds** at lunch time.');
    expect(r.goals).toBe('- p99 under 150 ms');
    expect(r.hints).toEqual(['Look at the CPU.', 'Is there an async version?\nIt runs on the thread pool.', 'Last one.']);
    expect(r.followUps).toBe('Why four threads?');
    expect(r.body.startsWith('# The slow login')).toBe(true);
  });

  it('accepts CRLF line endings and missing optional sections', () => {
    const md = '---\r\ntitle: "X"\r\ndifficulty: advanced\r\ntags: []\r\nminutes: 5\r\n---\r\nStory only.\r\n';
    const r = parseScenarioReadme(md);
    expect(r.meta.tags).toEqual([]);
    expect(r.story).toBe('Story only.');
    expect(r.hints).toEqual([]);
    expect(r.goals).toBe('');
  });

  it('ignores ## inside fenced code', () => {
    const md = GOOD.replace('Logins take', '```\n## not a section\n```\nLogins take');
    expect(parseScenarioReadme(md).story).toContain('## not a section');
  });

  const bad: [string, string, RegExp][] = [
    ['no frontmatter', '# Title\n', /must start with a frontmatter/],
    ['unclosed', '---\ntitle: x\n', /not closed/],
    ['missing key', GOOD.replace('minutes: 15\n', ''), /missing "minutes"/],
    ['bad difficulty', GOOD.replace('beginner', 'easy'), /line 3: .*difficulty.*beginner, intermediate, advanced/],
    ['tags not a list', GOOD.replace('[event-loop, "crypto"]', 'event-loop'), /line 4: .*flow list/],
    ['empty tag', GOOD.replace('[event-loop, "crypto"]', '[a, , b]'), /empty item/],
    ['bad minutes', GOOD.replace('minutes: 15', 'minutes: soon'), /line 5: .*positive number/],
    ['zero minutes', GOOD.replace('minutes: 15', 'minutes: 0'), /positive number/],
    ['duplicate key', GOOD.replace('minutes: 15', 'minutes: 15\ntitle: again'), /appears twice/],
    ['not key: value', GOOD.replace('minutes: 15', 'minutes 15'), /not "key: value"/],
    ['empty title', GOOD.replace('title: The slow login', 'title: ""'), /title" is empty/],
    ['hints not a list', GOOD.replace('1. Look at the CPU.', 'Look at the CPU.'), /line 15: .*ordered list/],
  ];
  for (const [name, md, message] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => parseScenarioReadme(md)).toThrow(ReadmeError);
      expect(() => parseScenarioReadme(md)).toThrow(message);
    });
  }
});
