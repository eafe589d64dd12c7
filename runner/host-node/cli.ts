/**
 * `tailspin` on the command line:
 *   tailspin list
 *   tailspin run <scenario-id | folder> [--code file.ts] [--seed N] [--scale X] [--json]
 *   tailspin verify <report.html | report.json> [--link <interview link>]
 *   tailspin serve [--port N] [--host ADDRESS] [--data DIR | --database-url URL] [--trust-proxy]
 * Exit status: 0 every SLO met, 1 one missed, 2 bad input (one plain line on stderr), 3 a bug
 * in Tailspin. Runs happen in a child process with a worker thread (see run-in-child.ts).
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { parseArgs } from 'node:util';
import { BadInput } from '../errors.ts';
import { renderSummaryText } from '../report/text.ts';
import { loadScenarioFolder, scenarioIds, ScenarioLoadFailed, ScenarioNotFound } from './scenario-folder.ts';
import { runInChildProcess } from './run-in-child.ts';
import { plainLine, plainText } from './terminal-text.ts';
import { renderTable } from '../report/table.ts';
import { ReportInputError, verifyCommand } from './verify-command.ts';

const USAGE = `Usage:
  tailspin list
  tailspin run <scenario-id | path to a scenario folder> [--code file.ts] [--seed N] [--scale X] [--json]
  tailspin verify <interview report .html or .json> [--link <interview link>] [--scenario <folder>]
  tailspin serve [--port N] [--host ADDRESS] [--data DIR | --database-url postgres://...] [--trust-proxy]`;

/** The largest --code file accepted: services are a few hundred lines. */
const CODE_LIMIT_BYTES = 1024 * 1024;
const CODE_LIMIT = `1 MB (${CODE_LIMIT_BYTES}-byte)`;

/** The command line is malformed: the reason, then the usage. */
class Usage extends Error {}
/** An argument is well formed but cannot be used: the reason alone, on one line. */
class InputError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'list') return list();
  if (command === 'run') return run(rest);
  if (command === 'verify') return verifyCommand(rest);
  if (command === 'serve') return serve(rest);
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  throw new Usage(`unknown command "${command}"`);
}

/**
 * The workshop server, loaded only when asked for, so `run` does not pay for Fastify and the
 * database driver. Resolves when the server has closed (Ctrl-C), not when it starts.
 */
async function serve(args: string[]): Promise<number> {
  const { serveCommand, ServeInputError } = await import('../../server/serve-command.ts');
  try {
    return await serveCommand(args);
  } catch (err) {
    if (err instanceof ServeInputError) throw new InputError(err.message);
    throw err;
  }
}

async function list(): Promise<number> {
  const rows: string[][] = [];
  for (const id of scenarioIds()) {
    const f = await loadScenarioFolder(id);
    const m = f.readme.meta;
    rows.push([id, m.title, m.difficulty, `${m.minutes} min`, m.tags.join(', ')]);
  }
  const columns = [
    { header: 'id' },
    { header: 'title', flex: true },
    { header: 'difficulty' },
    { header: 'time', align: 'right' as const },
    { header: 'tags', flex: true },
  ];
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
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new InputError(`--seed must be a whole number from 0 to 4294967295, got "${values.seed}"`);
  const loadScale = values.scale === undefined ? undefined : Number(values.scale);
  if (loadScale !== undefined && !(loadScale > 0 && Number.isFinite(loadScale)))
    throw new InputError(`--scale must be a positive number, got "${values.scale}"`);
  const code = values.code === undefined ? undefined : readCodeFile(values.code);
  const folder = await loadScenarioFolder(positionals[0]);
  if (loadScale !== undefined) {
    // The run would clamp a scale outside the scenario's range; say so instead.
    const { min, max } = folder.definition.load?.loadScale ?? { min: 1, max: 1 };
    if (loadScale < min || loadScale > max) {
      const allowed = min === max ? `${min}, the only scale it declares` : `from ${min} to ${max}`;
      throw new InputError(`--scale for ${folder.id} must be ${allowed}, got "${values.scale}"`);
    }
  }
  const summary = await runInChildProcess({ scenario: folder.dir, code: code ?? folder.starter, seed, loadScale });
  process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : `${renderSummaryText(summary)}\n`);
  return summary.passed ? 0 : 1;
}

/**
 * Reads the --code file: a regular file of at most CODE_LIMIT_BYTES, checked before reading.
 * It is opened non-blocking, so a FIFO put in its place after the check cannot hang the
 * open, and checked again through the open descriptor.
 */
function readCodeFile(path: string): string {
  const refuse = (st: Stats): void => {
    if (!st.isFile()) throw new InputError(`--code: ${path} is ${kindOf(st)}, not a regular file`);
    if (st.size > CODE_LIMIT_BYTES) {
      throw new InputError(`--code: ${path} is ${st.size} bytes, over the ${CODE_LIMIT} limit for a service`);
    }
  };
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    throw new InputError(`--code: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read'} ${path}`);
  }
  refuse(st);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    throw new InputError(`--code: cannot read ${path}`);
  }
  try {
    refuse(fstatSync(fd));
    // One byte past the cap, in case the file grew since it was checked.
    const buf = Buffer.alloc(CODE_LIMIT_BYTES + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += r;
    if (n > CODE_LIMIT_BYTES) throw new InputError(`--code: ${path} is over the ${CODE_LIMIT} limit for a service`);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

function oneLine(err: BadInput): string {
  const [first] = err.diagnostics;
  const where = first?.line ? `service.ts:${first.line}:${first.column ?? 1}: ` : '';
  const more = err.diagnostics.length > 1 ? ` (and ${err.diagnostics.length - 1} more)` : '';
  return `${where}${first?.message ?? err.message}${more}`.replace(/\s*\n\s*/g, ' ');
}

/**
 * Ends the process once everything written so far has reached stdout and stderr: on a pipe
 * a write can still be queued when `main` returns, and `process.exit` would cut a long
 * report (a `--json` summary with its traces) short.
 */
function exitWhenWritten(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  (code) => exitWhenWritten(code),
  (err: unknown) => {
    if (err instanceof BadInput) process.stderr.write(`tailspin: ${plainLine(oneLine(err))}\n`);
    else if (err instanceof Usage) process.stderr.write(`tailspin: ${plainLine(err.message)}\n${USAGE}\n`);
    else if (
      err instanceof InputError ||
      err instanceof ReportInputError ||
      err instanceof ScenarioNotFound ||
      err instanceof ScenarioLoadFailed
    )
      process.stderr.write(`tailspin: ${plainLine(err.message)}\n`);
    else {
      // A bug in Tailspin: the whole stack, still with no control characters.
      let text: string;
      try {
        text = err instanceof Error ? (err.stack ?? err.message) : String(err);
      } catch {
        text = 'an error that cannot be shown';
      }
      process.stderr.write(`tailspin: internal error: ${plainText(text)}\n`);
      exitWhenWritten(3);
      return;
    }
    exitWhenWritten(2);
  },
);
