/**
 * The metric vocabulary as Markdown, for the authoring guide (docs/writing-a-scenario.md holds
 * it between `<!-- metrics:start -->` and `<!-- metrics:end -->`). A unit test compares the two,
 * so the guide cannot drift from what the runner measures.
 */
import { METRIC_TAGS, METRICS, type MetricTag, type MetricUnit } from './vocabulary.ts';

/** The guide's word for each unit. */
const UNIT_WORDS: Record<MetricUnit, string> = {
  ms: 'ms',
  fraction: 'fraction (0 to 1)',
  perSec: 'per second',
  ratio: 'ratio',
  count: 'count',
  perRequest: 'per request',
};

/** The table of metrics, then what each tag names; ends without a newline. */
export function renderMetricsMarkdown(): string {
  const code = (text: string): string => `\`${text}\``;
  const rows = METRICS.map((m) => [
    code(m.name),
    m.kind,
    UNIT_WORDS[m.unit],
    m.tags.length ? m.tags.map(code).join(', ') : '–',
    m.aggregations.map(code).join(', '),
    m.measured,
  ]);
  const table = [
    ['metric', 'kind', 'unit', 'tags', 'aggregations', 'how it is measured'],
    ['---', '---', '---', '---', '---', '---'],
    ...rows,
  ].map((cells) => `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`);
  const tags = (Object.keys(METRIC_TAGS) as MetricTag[]).map((tag) => `- ${code(tag)}: ${METRIC_TAGS[tag]}`);
  return [
    ...table,
    '',
    'Tags:',
    '',
    ...tags,
    '',
    '`p(N)` is any percentile from 0 to 100, `p(99)` or `p(99.9)`; `count` always counts, whatever the unit.',
  ].join('\n');
}
