/**
 * Compiles the learner's TypeScript with esbuild, with the same options in Node and in the
 * browser. async/await and async generators are lowered to generators that call the global
 * `Promise` by name; the sandbox binds that name to the simulator's Promise, so every
 * continuation of user code runs inside the event-loop model (see DESIGN.md §3).
 */
import type { CompileResult, Diagnostic } from '../run-types.ts';
import { SERVICE_PATH, SERVICE_URL } from '../runtime/modules/worker-threads/worker-threads.ts';

/** The subset of the esbuild API the compiler needs (esbuild-wasm in Node and browsers). */
export type EsbuildApi = Pick<typeof import('esbuild-wasm'), 'transform'>;

export type Compiler = (code: string) => Promise<CompileResult>;

/** The file name user code is compiled as; stack traces and diagnostics refer to it. */
export const SERVICE_FILE = 'service.ts';

/** Largest source accepted, so a pasted log file can't stall the compiler. */
export const SOURCE_BYTES_MAX = 256 * 1024;

export const COMPILE_OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'es2022',
  platform: 'neutral',
  // `import()` becomes `require`, so a dynamic import reaches the sandbox's module list
  // (and its clear refusal) instead of the host's module loader.
  supported: { 'async-await': false, 'async-generator': false, 'for-await': false, 'dynamic-import': false },
  // The service's one file, as `new Worker(new URL(import.meta.url))` names it (see
  // runtime/modules/worker-threads); CommonJS output has no import.meta of its own.
  define: {
    'import.meta.url': JSON.stringify(SERVICE_URL),
    'import.meta.filename': JSON.stringify(SERVICE_PATH),
    'import.meta.dirname': JSON.stringify(SERVICE_PATH.slice(0, SERVICE_PATH.lastIndexOf('/'))),
  },
  sourcemap: 'external',
  sourcefile: SERVICE_FILE,
  logLevel: 'silent',
} as const;

interface EsbuildMessage {
  text: string;
  location?: { line: number; column: number } | null;
}

export function createCompiler(esbuild: EsbuildApi): Compiler {
  const cache = new Map<string, CompileResult>();
  return async (code) => {
    const hit = cache.get(code);
    if (hit) return hit;
    const result = await compileOnce(esbuild, code);
    if (cache.size > 64) cache.delete(cache.keys().next().value as string);
    cache.set(code, result);
    return result;
  };
}

async function compileOnce(esbuild: EsbuildApi, code: string): Promise<CompileResult> {
  if (code.length > SOURCE_BYTES_MAX) {
    return {
      ok: false,
      diagnostics: [{ message: `The service is ${Math.round(code.length / 1024)} KB; the limit is ${SOURCE_BYTES_MAX / 1024} KB.` }],
    };
  }
  try {
    const out = await esbuild.transform(code, COMPILE_OPTIONS);
    return { ok: true, js: out.code, sourceMap: out.map };
  } catch (err) {
    const errors = (err as { errors?: EsbuildMessage[] }).errors;
    if (!Array.isArray(errors) || errors.length === 0) throw err;
    return { ok: false, diagnostics: errors.slice(0, 20).map(toDiagnostic) };
  }
}

function toDiagnostic(m: EsbuildMessage): Diagnostic {
  let message = m.text;
  if (/Top-level await/i.test(message)) {
    message = 'Top-level await is not supported here: start async work inside the route registration function or a handler.';
  }
  return m.location ? { message, line: m.location.line, column: m.location.column + 1 } : { message };
}
