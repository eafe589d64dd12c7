/**
 * `tailspin` on the command line:
 *   tailspin list
 *   tailspin run <scenario-id | folder> [--code file.ts] [--seed N] [--scale X] [--json]
 * Exit status: 0 every SLO met, 1 one missed, 2 bad input (one line on stderr).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BadInput } from './errors.ts';
import { renderSummaryText } from './report/text.ts';
import { loadScenarioFolder, scenarioIds, ScenarioNotFound } from './node/scenario-folder.ts';
import { runInWorker } from './node/run-in-worker.ts';
import { renderTable } from './report/table.ts';

const USAGE = `Usage:
  tailspin list
  tailspin run <scenario-id | path to a scenario folder> [--code file.ts] [--seed N] [--scale X] [--json]`;

class Usage extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'list') return list();
  if (command === 'run') return run(rest);
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  throw new Usage(`unknown command "${command}"`);
}

async function list(): Promise<number> {
  const rows: string[][] = [];
  for (const id of scenarioIds()) {
    const f = await loadScenarioFolder(id);
    const m = f.readme.meta;
    rows.push([id, m.title, m.difficulty, `${m.minutes} min`, m.tags.join(', ')]);
  }
  const columns = [{ header: 'id' }, { header: 'title', flex: true }, { header: 'difficulty' }, { header: 'time', align: 'right' as const }, { header: 'tags', flex: true }];
  process.stdout.write(`${renderTable(columns, rows, { indent: 0 }).join('\n')}\n`);
  return 0;
}

async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { code: { type: 'string' }, seed: { type: 'string' }, scale: { type: 'string' }, json: { type: 'boolean' } },
    });
  } catch (err) {
    throw new Usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new Usage('run takes exactly one scenario id or folder');
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Usage(`--seed must be a whole number from 0 to 4294967295, got "${values.seed}"`);
  const loadScale = values.scale === undefined ? undefined : Number(values.scale);
  if (loadScale !== undefined && !(loadScale > 0)) throw new Usage(`--scale must be a positive number, got "${values.scale}"`);
  const folder = await loadScenarioFolder(positionals[0]);
  let code = folder.starter;
  if (values.code !== undefined) {
    if (!existsSync(values.code)) throw new Usage(`--code: no such file ${values.code}`);
    code = readFileSync(values.code, 'utf8');
  }
  const summary = await runInWorker({ scenario: folder.dir, code, seed, loadScale });
  process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : `${renderSummaryText(summary)}\n`);
  return summary.passed ? 0 : 1;
}

function oneLine(err: BadInput): string {
  const [first] = err.diagnostics;
  const where = first?.line ? `service.ts:${first.line}:${first.column ?? 1}: ` : '';
  const more = err.diagnostics.length > 1 ? ` (and ${err.diagnostics.length - 1} more)` : '';
  return `${where}${first?.message ?? err.message}${more}`.replace(/\s*\n\s*/g, ' ');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof BadInput) process.stderr.write(`tailspin: ${oneLine(err)}\n`);
    else if (err instanceof Usage) process.stderr.write(`tailspin: ${err.message}\n${USAGE}\n`);
    else if (err instanceof ScenarioNotFound) process.stderr.write(`tailspin: ${err.message}\n`);
    else {
      process.stderr.write(`tailspin: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(3);
    }
    process.exit(2);
  },
);
