/**
 * Maps positions in the compiled service back to the learner's TypeScript, so a handler's
 * exception is reported at the line they wrote.
 */
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { SERVICE_FILE } from './compile.ts';

export interface SourcePosition {
  line: number;
  column: number;
}

import { MODULE_HEADER_LINES } from './evaluate.ts';

export class ServiceSourceMap {
  private readonly map: TraceMap;

  constructor(sourceMapJson: string) {
    this.map = new TraceMap(sourceMapJson);
  }

  /**
   * Where `err` was thrown: the first frame of its stack inside the service, mapped to the
   * TypeScript source. Like V8's own Error constructor, it passes over the frames of the
   * error's own constructors (`new HttpError`, from `super(message)` in a class that extends
   * Error): the hardened realm's Error records them, and the line that matters is the one
   * that said `new HttpError(...)`.
   */
  locate(err: unknown): SourcePosition | undefined {
    const stack = (err as { stack?: unknown } | null | undefined)?.stack;
    if (typeof stack !== 'string') return undefined;
    const own = constructorNames(err);
    const re = new RegExp(`${SERVICE_FILE.replace('.', '\\.')}\\.js:(\\d+):(\\d+)`);
    let leading = true;
    for (const frame of stack.split('\n')) {
      const m = re.exec(frame);
      if (!m) continue;
      if (leading && own.has(/^\s*at new ([\w$]+) /.exec(frame)?.[1] ?? '')) continue;
      leading = false;
      const pos = originalPositionFor(this.map, {
        line: Number(m[1]) - MODULE_HEADER_LINES,
        column: Number(m[2]) - 1,
      });
      if (pos.line != null) return { line: pos.line, column: (pos.column ?? 0) + 1 };
    }
    return undefined;
  }

  /**
   * Stack traces in text the service prints, as a learner should see them: the service's
   * frames at their TypeScript lines (`service.ts:7:16`), and the simulator's own frames and
   * the compiler's helpers left out. Those would show where the simulator is installed on this machine, and differ
   * between the command line and the browser's bundle.
   */
  stacksForLearner(text: string): string {
    if (!text.includes('\n') || !text.includes(' at ')) return text;
    const lines: string[] = [];
    for (const line of text.split('\n')) {
      const frame = FRAME.exec(line);
      if (!frame) {
        lines.push(line);
        continue;
      }
      const [, head, location, row, column, close] = frame;
      if (location !== `${SERVICE_FILE}.js` && !location.endsWith(`/${SERVICE_FILE}.js`)) continue;
      const pos = originalPositionFor(this.map, { line: Number(row) - MODULE_HEADER_LINES, column: Number(column) - 1 });
      // A frame with no source line is the compiler's own helper code (async lowering).
      if (pos.line != null) lines.push(`${head}${SERVICE_FILE}:${pos.line}:${(pos.column ?? 0) + 1}${close}`);
    }
    return lines.join('\n');
  }
}

/** A line of a V8 stack trace: `    at name (location)` or `    at location`. */
const FRAME = /^(\s*at (?:.* \()?)(.*?):(\d+):(\d+)(\)?)$/;

/** Names of the classes between an error's own class and Error: the ones its stack may start in. */
function constructorNames(err: unknown): Set<string> {
  const names = new Set<string>();
  let proto: unknown = typeof err === 'object' && err !== null ? Object.getPrototypeOf(err) : null;
  for (let depth = 0; proto && depth < 10; depth++) {
    const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as { name?: unknown } | undefined;
    if (typeof ctor?.name === 'string' && ctor.name) names.add(ctor.name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}
