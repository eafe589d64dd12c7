/**
 * Parses a scenario's README.md: YAML-ish frontmatter (title, difficulty, tags, minutes) and
 * the markdown sections the lab shows separately (story, goals, hints, follow-up questions).
 * Pure string handling, so the CLI (Node) and the web lab (browser) share it.
 */

export type Difficulty = 'beginner' | 'intermediate' | 'advanced';

export const DIFFICULTIES: readonly Difficulty[] = ['beginner', 'intermediate', 'advanced'];

export interface ScenarioMeta {
  title: string;
  difficulty: Difficulty;
  tags: string[];
  /** Expected time to solve, in minutes. */
  minutes: number;
}

export interface ScenarioReadme {
  meta: ScenarioMeta;
  /** Markdown before the first `##` section, without a leading `# Title` line. */
  story: string;
  /** Markdown of `## Goals`, without its heading ('' when absent). */
  goals: string;
  /** Items of the ordered list in `## Hints`, as markdown, in order. */
  hints: string[];
  /** Markdown of `## Follow-up questions`, without its heading ('' when absent). */
  followUps: string;
  /** Everything after the frontmatter. */
  body: string;
}

/** A README that cannot be used; the message names the line when it can. */
export class ReadmeError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'ReadmeError';
  }
}

const REQUIRED_KEYS = ['title', 'difficulty', 'tags', 'minutes'] as const;

export function parseScenarioReadme(md: string): ScenarioReadme {
  const lines = md
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  if (lines[0]?.trim() !== '---') {
    throw new ReadmeError('README must start with a frontmatter block opened by "---"', 1);
  }
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (end === -1) throw new ReadmeError('frontmatter is not closed by a "---" line');
  const meta = parseFrontmatter(lines.slice(1, end), 2);
  const sections = splitSections(lines.slice(end + 1), end + 2);
  const body = lines
    .slice(end + 1)
    .join('\n')
    .trim();
  return {
    meta,
    story: stripTitle(sections.intro),
    goals: sections.byName.get('goals')?.text ?? '',
    hints: parseHints(sections.byName.get('hints')),
    followUps: sections.byName.get('follow-up questions')?.text ?? '',
    body,
  };
}

function parseFrontmatter(lines: string[], firstLine: number): ScenarioMeta {
  const raw = new Map<string, { value: string; line: number }>();
  lines.forEach((text, i) => {
    const line = firstLine + i;
    if (text.trim() === '' || text.trim().startsWith('#')) return;
    const m = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(text);
    if (!m) throw new ReadmeError(`frontmatter line is not "key: value": ${JSON.stringify(text)}`, line);
    const key = m[1].toLowerCase();
    if (raw.has(key)) throw new ReadmeError(`frontmatter key "${key}" appears twice`, line);
    raw.set(key, { value: m[2].trim(), line });
  });
  for (const key of REQUIRED_KEYS) {
    if (!raw.has(key)) throw new ReadmeError(`frontmatter is missing "${key}" (needs ${REQUIRED_KEYS.join(', ')})`);
  }
  const title = unquote(raw.get('title')!.value);
  if (!title) throw new ReadmeError('frontmatter "title" is empty', raw.get('title')!.line);
  return {
    title,
    difficulty: parseDifficulty(raw.get('difficulty')!),
    tags: parseTags(raw.get('tags')!),
    minutes: parseMinutes(raw.get('minutes')!),
  };
}

function parseDifficulty({ value, line }: { value: string; line: number }): Difficulty {
  const d = unquote(value).toLowerCase();
  if (!(DIFFICULTIES as readonly string[]).includes(d)) {
    throw new ReadmeError(`frontmatter "difficulty" must be one of ${DIFFICULTIES.join(', ')}, got ${JSON.stringify(value)}`, line);
  }
  return d as Difficulty;
}

function parseTags({ value, line }: { value: string; line: number }): string[] {
  const m = /^\[(.*)\]$/.exec(value);
  if (!m) throw new ReadmeError(`frontmatter "tags" must be a flow list like [event-loop, crypto], got ${JSON.stringify(value)}`, line);
  if (m[1].trim() === '') return [];
  return m[1].split(',').map((t) => {
    const tag = unquote(t.trim());
    if (!tag) throw new ReadmeError('frontmatter "tags" has an empty item', line);
    return tag;
  });
}

function parseMinutes({ value, line }: { value: string; line: number }): number {
  const n = Number(unquote(value));
  if (!/^\d+(\.\d+)?$/.test(unquote(value)) || !Number.isFinite(n) || n <= 0) {
    throw new ReadmeError(`frontmatter "minutes" must be a positive number, got ${JSON.stringify(value)}`, line);
  }
  return n;
}

function unquote(s: string): string {
  const m = /^(["'])(.*)\1$/.exec(s);
  return (m ? m[2] : s).trim();
}

interface Section {
  text: string;
  /** The section's lines with their 1-based line numbers in the README. */
  lines: { text: string; line: number }[];
}

/** Splits markdown at `## ` headings that are outside fenced code blocks. */
function splitSections(lines: string[], firstLine: number): { intro: string; byName: Map<string, Section> } {
  const byName = new Map<string, Section>();
  const intro: string[] = [];
  let current: { name: string; lines: { text: string; line: number }[] } | null = null;
  let inFence = false;
  const flush = () => {
    if (!current) return;
    const text = current.lines
      .map((l) => l.text)
      .join('\n')
      .trim();
    byName.set(current.name, { text, lines: current.lines });
  };
  lines.forEach((text, i) => {
    if (/^\s*(```|~~~)/.test(text)) inFence = !inFence;
    const h = inFence ? null : /^##\s+(.+?)\s*#*\s*$/.exec(text);
    if (h) {
      flush();
      current = { name: h[1].toLowerCase(), lines: [] };
    } else if (current) {
      current.lines.push({ text, line: firstLine + i });
    } else {
      intro.push(text);
    }
  });
  flush();
  return { intro: intro.join('\n').trim(), byName };
}

function stripTitle(intro: string): string {
  return intro.replace(/^#\s+[^\n]*\n?/, '').trim();
}

/** The items of an ordered list; continuation lines (indented or not blank-separated) join their item. */
function parseHints(section: Section | undefined): string[] {
  if (!section || section.text === '') return [];
  const items: string[][] = [];
  for (const { text, line } of section.lines) {
    const item = /^\d+[.)]\s+(.*)$/.exec(text);
    if (item) {
      items.push([item[1]]);
    } else if (items.length === 0) {
      if (text.trim() !== '') throw new ReadmeError('"## Hints" must be an ordered list (1. …, 2. …)', line);
    } else {
      items[items.length - 1].push(text.replace(/^ {1,4}/, ''));
    }
  }
  return items.map((l) => l.join('\n').trim());
}
