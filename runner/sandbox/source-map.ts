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
}

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
