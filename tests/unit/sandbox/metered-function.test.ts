/**
 * Code made from strings is metered like the rest of the service: a loop built with
 * `new Function` costs the CPU the same loop costs written out, `eval` is refused with what
 * to write instead, and a `Function` body that tries to close the function early to reach
 * the meter is a SyntaxError.
 */
import { describe, expect, it } from 'vitest';
import { FIXTURES, route, runFolder } from '../../helpers/run-fixture.ts';
import type { ScenarioDefinition } from '../../../runner/scenario/types.ts';

const TWO_ROUTES = `${FIXTURES}two-routes`;
const short = (d: ScenarioDefinition): ScenarioDefinition => ({ ...d, load: { ...d.load, durationMs: 2000 } });
const LOOP = 'let x = 0; for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003; return x;';

function service(crunch: string, extra = ''): string {
  return `
const crunch = ${crunch};
${extra}
export default async function routes(app) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async (req) => ({ n: req.body.n, x: crunch(2_000_000) }));
}
`;
}

describe('metered Function and refused eval', () => {
  it('a loop built with new Function costs what the same loop costs written out', async () => {
    const written = await runFolder(TWO_ROUTES, service(`(n) => { ${LOOP} }`), 1, short);
    const built = await runFolder(TWO_ROUTES, service(`new Function('n', ${JSON.stringify(LOOP)})`), 1, short);
    const p50 = (s: typeof written) => route(s, 'POST /work').latency.p50Ms;
    expect(p50(written)).toBeGreaterThan(1);
    expect(p50(built) / p50(written)).toBeGreaterThan(0.9);
    expect(p50(built) / p50(written)).toBeLessThan(1.1);
  });

  it('eval, direct or indirect, is refused with what to write instead', async () => {
    for (const call of ["eval('1 + 1')", "(0, eval)('1 + 1')"]) {
      const s = await runFolder(
        TWO_ROUTES,
        service('(n) => n', `try { ${call}; } catch (e) { console.log(e.name, e.message); }`),
        1,
        short,
      );
      expect(s.console.join('\n')).toContain('EvalError eval is not available in this lab: write the code directly, or build a function');
    }
  });

  it('a Function whose parameters or body close it early is a SyntaxError, and the meter stays out of reach', async () => {
    const attack = `
try {
  new Function('a) { return 1 }), (arguments[0].n = -1e12), (function (', 'return 2');
  console.log('built');
} catch (e) { console.log(e.name); }
try {
  Function('}); (function () {', '');
  console.log('built');
} catch (e) { console.log(e.name); }`;
    const s = await runFolder(TWO_ROUTES, service('(n) => n', attack), 1, short);
    expect(s.console.map((l) => l.replace(/^\[[\d.]+s\] /, ''))).toEqual(['SyntaxError', 'SyntaxError']);
  });
});
