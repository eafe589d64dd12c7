/**
 * defineScenario and the loader reject an author's mistakes at load time, each named by its
 * field (and, once the folder is known, by its scenario), and fill in the defaults. Every
 * mistake here would otherwise reach a run and fail the learner: an SLO with no data fails, a
 * check that saw no response fails.
 */
import { describe, expect, it } from 'vitest';
import { defineScenario } from '../../../runner/scenario/define.ts';
import { loadDefinition, nameScenarioError } from '../../../runner/scenario/load-definition.ts';
import { ScenarioError } from '../../../runner/scenario/scenario-error.ts';
import type { ScenarioSpec, SloSpec } from '../../../runner/scenario/types.ts';

const get = (path: string) => ({ method: 'GET', path });

/** A valid spec: two routes, an SLO on one, a check on the other. */
function spec(change: (s: ScenarioSpec) => void = () => {}): ScenarioSpec {
  const s: ScenarioSpec = {
    platform: {},
    load: {
      durationMs: 10_000,
      arrivals: { kind: 'constant', ratePerSec: 10 },
      mix: [
        { route: 'GET /a', weight: 3, build: () => get('/a') },
        { route: 'POST /b/:id', weight: 1, build: () => ({ method: 'POST', path: '/b/1' }) },
      ],
      clientTimeoutMs: 1000,
    },
    slos: [{ metric: 'http_req_duration{route:GET /a}', threshold: 'p(99)<100', label: 'GET /a p99 under 100 ms' }],
    checks: [{ name: 'b is stored', route: 'POST /b/:id', verify: () => undefined }],
  };
  change(s);
  return s;
}

const slo = (metric: string, threshold: string, label = `${metric} ${threshold}`): SloSpec => ({ metric, threshold, label });

/** The problems defineScenario finds in the spec `change` makes, as `field: message`. */
function problemsOf(change: (s: ScenarioSpec) => void): string[] {
  try {
    defineScenario(spec(change));
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).problems.map((p) => `${p.field}: ${p.message}`);
  }
  throw new Error('defineScenario accepted the mistake');
}

describe('defineScenario accepts a valid spec', () => {
  it('and fills in the defaults the hosts read, without an id', () => {
    const defined = defineScenario(spec((s) => delete s.checks));
    expect(defined.checks).toEqual([]);
    expect(defined.audits).toEqual([]);
    expect(defined.load.loadScale).toEqual({ min: 1, max: 1 });
    expect('id' in defined).toBe(false);
  });

  it('keeps what the author wrote, and reads no lazy setup SQL', () => {
    const s = spec((x) => {
      x.load.loadScale = { min: 0.5, max: 2 };
      x.platform.database = {
        get setupSql(): string {
          throw new Error('setupSql was read');
        },
      };
    });
    const defined = defineScenario(s);
    expect(defined.load.loadScale).toEqual({ min: 0.5, max: 2 });
    expect(defined.platform).toBe(s.platform);
    expect(defined.slos).toBe(s.slos);
  });
});

describe('defineScenario rejects an SLO the runner would never measure', () => {
  it('an unknown metric', () => {
    const [problem] = problemsOf((s) => (s.slos = [slo('http_req_durations{route:GET /a}', 'p(99)<100')]));
    expect(problem).toMatch(/^slos\[0\]\.metric: .*http_req_durations/);
  });

  it('an unknown tag', () => {
    const [problem] = problemsOf((s) => (s.slos = [slo('http_req_duration{path:/a}', 'p(99)<100')]));
    expect(problem).toMatch(/^slos\[0\]\.metric: .*path/);
  });

  it('an aggregation that does not fit the metric', () => {
    const [problem] = problemsOf((s) => (s.slos = [slo('http_req_failed', 'p(99)<0.01')]));
    expect(problem).toMatch(/^slos\[0\]\.metric: .*p\(99\)/);
  });

  it('a route tag naming a route the load never sends', () => {
    const [problem] = problemsOf((s) => (s.slos = [slo('http_req_duration{route:GET /b/:id}', 'p(99)<100')]));
    expect(problem).toMatch(/^slos\[0\]\.metric: .*GET \/b\/:id/);
  });

  it('a threshold that does not parse', () => {
    expect(problemsOf((s) => (s.slos = [slo('http_req_duration', 'p99<100')]))).toEqual([
      'slos[0].threshold: threshold "p99<100": unknown aggregation "p99" (expected p(N), avg, min, max, med, count, rate or value); did you mean "p(99)"?',
    ]);
  });

  it('the same SLO twice, however its tags are spaced', () => {
    const twice = [
      slo('http_req_duration{route:GET /a}', 'p(99)<100', 'one'),
      slo('http_req_duration{ route: GET /a }', 'p(99) < 100', 'two'),
    ];
    expect(problemsOf((s) => (s.slos = twice))).toEqual(['slos[1]: http_req_duration{ route: GET /a } p(99) < 100 repeats an earlier SLO']);
  });

  it('two SLOs with one label, or none', () => {
    const labels = [
      slo('http_req_duration', 'p(99)<100', 'fast'),
      slo('http_req_duration', 'p(95)<50', 'fast'),
      slo('http_req_failed', 'rate<0.01', ' '),
    ];
    expect(problemsOf((s) => (s.slos = labels))).toEqual([
      'slos[1].label: "fast" is the label of an earlier SLO too',
      'slos[2].label: must be the wording the checklist shows',
    ]);
  });

  it('no SLO at all', () => {
    expect(problemsOf((s) => (s.slos = []))).toEqual(['slos: must list at least one SLO']);
  });
});

describe('defineScenario rejects a load and checks that do not fit together', () => {
  it('two mix entries for one route', () => {
    expect(problemsOf((s) => s.load.mix.push({ route: 'GET /a', weight: 1, build: () => get('/a?x=1') }))).toEqual([
      'load.mix[2].route: GET /a has two entries; give one entry a build that varies its requests',
    ]);
  });

  it('a route key that no service could register, a weight of 0, statuses that are not HTTP statuses', () => {
    const problems = problemsOf((s) => {
      s.load.mix[0].route = 'get /a';
      s.slos = [slo('http_req_failed', 'rate<0.01')];
      s.load.mix[0].weight = 0;
      s.load.mix[1].expectedStatuses = [201, 99];
    });
    expect(problems).toEqual([
      'load.mix[0].route: "get /a" is not a route key like "GET /api/products/:id"',
      'load.mix[0].weight: must be a number > 0',
      'load.mix[1].expectedStatuses: must be a non-empty list of HTTP statuses (100-599)',
    ]);
  });

  it('a check on a route the load never sends', () => {
    expect(problemsOf((s) => (s.checks![0].route = 'POST /b'))).toEqual([
      'checks[0].route: "POST /b" is not a route of load.mix (GET /a, POST /b/:id)',
    ]);
  });

  it('two checks, or two audits, with one name', () => {
    const problems = problemsOf((s) => {
      s.checks!.push({ ...s.checks![0] });
      s.audits = [
        { name: 'no double charge', verify: () => [] },
        { name: 'no double charge', verify: () => [] },
      ];
    });
    expect(problems).toEqual([
      'checks[1].name: "b is stored" is the name of an earlier one too',
      'audits[1].name: "no double charge" is the name of an earlier one too',
    ]);
  });

  it('a load-scale range that is empty, times that are not durations, a downstream declared twice', () => {
    const problems = problemsOf((s) => {
      s.load.loadScale = { min: 2, max: 1 };
      s.load.durationMs = 0;
      s.drainMs = -1;
      s.platform.downstreams = ['x.internal', 'x.internal'].map((host) => ({
        host,
        concurrency: 1,
        queueLimit: 0,
        serviceTime: { kind: 'constant', ms: 1 },
      }));
    });
    expect(problems).toEqual([
      'platform.downstreams[1].host: x.internal is declared twice',
      'load.durationMs: must be a number of milliseconds > 0',
      'load.loadScale: must be { min, max } with 0 < min <= max',
      'drainMs: must be a number of milliseconds >= 0',
    ]);
  });

  it('an id written in the file: the folder names the scenario', () => {
    expect(problemsOf((s) => Object.assign(s, { id: 'my-scenario' }))).toEqual([
      "id: the id is the scenario folder's name; remove this field",
    ]);
  });

  it('says every mistake at once, in one message', () => {
    const s = spec((x) => {
      x.slos = [slo('http_req_durations', 'p(99)<100')];
      x.checks![0].route = 'GET /nope';
    });
    expect(() => defineScenario(s)).toThrow(
      /^scenario definition: slos\[0\]\.metric: .*; checks\[0\]\.route: "GET \/nope" is not a route of load\.mix/,
    );
  });
});

describe('loadDefinition', () => {
  it("gives the definition its folder's id and the defaults", () => {
    const def = loadDefinition('slow-login', defineScenario(spec()));
    expect(def.id).toBe('slow-login');
    expect(def.load.loadScale).toEqual({ min: 1, max: 1 });
    expect(def.checks?.map((c) => c.name)).toEqual(['b is stored']);
  });

  it('checks a plain object as defineScenario would, naming the scenario', () => {
    const plain = spec((s) => (s.slos = [slo('http_req_duration{route:GET /c}', 'p(99)<100')]));
    expect(() => loadDefinition('slow-login', plain)).toThrow(/^scenario slow-login: slos\[0\]\.metric: .*GET \/c/);
  });

  it('refuses a module with no definition, and an id that is not a folder name', () => {
    expect(() => loadDefinition('slow-login', undefined)).toThrow(
      'scenario slow-login: default export: scenario.ts must `export default defineScenario({ platform, load, slos })`',
    );
    expect(() => loadDefinition('Slow Login', spec())).toThrow(/^scenario Slow Login: id: /);
  });

  it('names the scenario in the error defineScenario threw while its module loaded', () => {
    const thrown = new ScenarioError([{ field: 'slos', message: 'must list at least one SLO' }]);
    expect((nameScenarioError('slow-login', thrown) as Error).message).toBe('scenario slow-login: slos: must list at least one SLO');
    const other = new Error('unrelated');
    expect(nameScenarioError('slow-login', other)).toBe(other);
  });
});
