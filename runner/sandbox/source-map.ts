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

  /** The first frame of `stack` inside the service, mapped to the TypeScript source. */
  locate(stack: string | undefined): SourcePosition | undefined {
    if (!stack) return undefined;
    const re = new RegExp(`${SERVICE_FILE.replace('.', '\\.')}\\.js:(\\d+):(\\d+)`);
    for (const frame of stack.split('\n')) {
      const m = re.exec(frame);
      if (!m) continue;
      const pos = originalPositionFor(this.map, {
        line: Number(m[1]) - MODULE_HEADER_LINES,
        column: Number(m[2]) - 1,
      });
      if (pos.line != null) return { line: pos.line, column: (pos.column ?? 0) + 1 };
    }
    return undefined;
  }
}
