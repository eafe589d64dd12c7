import type { Diagnostic, ReportedError } from '../../runner/index.ts';
import { getEditorHandle } from '../editor/editorHandle.ts';

function jump(line?: number, column?: number) {
  if (line) getEditorHandle()?.reveal(line, column);
}

/** Compile errors (or other problems at a place in the code) as a readable list; each jumps there. */
export function CompileErrors({
  diagnostics,
  title = 'Your code does not compile',
  testId = 'compile-errors',
}: {
  diagnostics: Diagnostic[];
  title?: string;
  testId?: string;
}) {
  return (
    <div className="panel panel-error" role="alert" data-testid={testId}>
      <h3>{title}</h3>
      <DiagnosticList diagnostics={diagnostics} />
    </div>
  );
}

/** Problems with their TypeScript lines; a click on a line puts the cursor there. */
export function DiagnosticList({ diagnostics }: { diagnostics: Diagnostic[] }) {
  return (
    <ul className="problem-list">
      {diagnostics.map((d, i) => (
        <li key={i}>
          {d.line ? (
            <button className="link-button mono" onClick={() => jump(d.line, d.column)}>
              line {d.line}
              {d.column ? `:${d.column}` : ''}
            </button>
          ) : null}{' '}
          {d.message}
        </li>
      ))}
    </ul>
  );
}

/** Exceptions thrown by handlers (each answered 500), with the TypeScript line they came from. */
export function HandlerErrors({ errors }: { errors: ReportedError[] }) {
  if (errors.length === 0) return null;
  return (
    <section className="panel" data-testid="handler-errors">
      <h3>Exceptions in your handlers</h3>
      <ul className="problem-list">
        {errors.map((e, i) => (
          <li key={i}>
            {e.line ? (
              <button className="link-button mono" onClick={() => jump(e.line, e.column)} data-testid="error-line">
                line {e.line}
              </button>
            ) : (
              <span className="muted mono">line unknown</span>
            )}{' '}
            <span className="mono">{e.message}</span>
            {e.route && <span className="muted"> in {e.route}</span>}
            <span className="muted"> · {e.count.toLocaleString('en-US')}×</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What `console.*` printed during the run; the page shows a bounded tail. */
export const CONSOLE_LINES_SHOWN = 200;

export function ConsoleOutput({ lines }: { lines: string[] }) {
  if (lines.length === 0) return null;
  const shown = lines.slice(-CONSOLE_LINES_SHOWN);
  return (
    <details className="panel console" data-testid="console" open={lines.length <= 20}>
      <summary>
        Console output{' '}
        <span className="muted">
          ({lines.length.toLocaleString('en-US')} lines{lines.length > shown.length ? `, last ${shown.length} shown` : ''})
        </span>
      </summary>
      <pre>{shown.join('\n')}</pre>
    </details>
  );
}
