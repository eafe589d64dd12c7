/**
 * The scenario contract (DESIGN.md §4), for every folder in scenarios/ and every seed below:
 * the starter misses an SLO by a wide margin; the solution and every alt fix meet every SLO
 * and check; every wrong fix misses something; the fix that skips the work and every cheat
 * fail a functional check on a response, naming the request. The run's diagnosis explains a
 * missed SLO of the starter, and finds nothing in the solution or an alt fix. Adding a scenario means adding
 * a folder: this file finds it, with the layout rule every host uses (runner/scenario/layout.ts).
 *
 * Set SCENARIO=<id> to walk one scenario only while writing it.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../runner/run.ts';
import { nodeHost } from '../../runner/host-node/node-host.ts';
import { discoverScenarios } from '../../runner/host-node/scenario-discovery.ts';
import { loadScenarioFolder, type ScenarioFolder } from '../../runner/host-node/scenario-folder.ts';
import { parseThreshold } from '../../runner/slo/threshold.ts';
import type { RunSummary, SloResult } from '../../runner/summary-schema.ts';
import { littleGap } from '../helpers/run-fixture.ts';
import { recordForGolden } from '../golden/run-records.ts';

const CONTRACT_SEEDS = [1, 2, 3, 4, 5];
/** The file every scenario must have: a "fix" that returns canned or partial data. */
const SKIPS_WORK_FIX = 'wrong-skips-work.ts';

/** A functional check's problem starts with the request it is about: `GET /path at 1.234s: …`. */
const NAMES_REQUEST = /^[A-Z]+ \/\S* at \d+\.\d{3}s: /;

const only = process.env.SCENARIO;
const discovered = discoverScenarios();
const ids = discovered.folders.map((f) => f.id).filter((id) => !only || id === only);

/** How far an SLO is missed: actual/target for upper bounds, target/actual for lower bounds. */
function missFactor(slo: SloResult): number {
  const t = parseThreshold(slo.threshold);
  if (!t.ok || slo.actual === null) return Infinity;
  if (t.op === '<' || t.op === '<=') return t.target === 0 ? (slo.actual > 0 ? Infinity : 0) : slo.actual / t.target;
  if (t.op === '>' || t.op === '>=') return slo.actual === 0 ? Infinity : t.target / slo.actual;
  return slo.pass ? 0 : Infinity;
}

function describeFailures(s: RunSummary): string {
  const slos = s.slos.filter((x) => !x.pass).map((x) => `${x.label}: ${x.actual} vs ${x.threshold}`);
  const checks = s.checks.filter((c) => !c.pass).map((c) => `${c.name}: ${c.failed}/${c.checked} ${c.problems[0] ?? ''}`);
  return [...slos, ...checks, ...s.errors.slice(0, 3).map((e) => `error: ${e.message}`), s.statusReason ?? ''].join('; ');
}

async function run(folder: ScenarioFolder, code: string, seed: number): Promise<RunSummary> {
  const s = await runScenario(folder.definition, { ...nodeHost(), code, seed });
  recordForGolden(s); // the golden test compares this run instead of running it again
  expect(s.status, s.statusReason).toBe('completed');
  expect(littleGap(s)).toBeLessThan(0.01);
  return s;
}

describe('scenarios/', () => {
  it('holds only scenario folders, each with README.md, scenario.ts, starter.ts, solution.ts', () => {
    expect(discovered.problems).toEqual([]);
    expect(discovered.folders.length).toBeGreaterThan(0);
  });
});

for (const id of ids) {
  describe(`scenario ${id}`, async () => {
    const folder = await loadScenarioFolder(id);

    it('has the files and metadata the lab shows', () => {
      expect(folder.definition.id).toBe(id);
      expect(folder.readme.hints.length).toBe(3);
      expect(folder.readme.followUps.trim().length).toBeGreaterThan(0);
      expect(folder.solution, 'solution.ts').toBeTruthy();
      expect(
        folder.fixes.some((f) => f.name === SKIPS_WORK_FIX),
        `fixes/${SKIPS_WORK_FIX}`,
      ).toBe(true);
      expect(
        folder.fixes.some((f) => f.kind === 'wrong' && f.name !== SKIPS_WORK_FIX),
        'a tempting wrong fix',
      ).toBe(true);
      expect(folder.definition.checks?.length, 'functional checks').toBeGreaterThan(0);
    });

    // The load control and an interview's hidden check may pick any scale the scenario
    // declares: a correct fix must pass at either end, or the range promises too much.
    const bounds = folder.definition.load.loadScale;
    for (const loadScale of bounds ? [bounds.min, bounds.max] : []) {
      it(`load ×${loadScale}: solution meets every SLO and check`, async () => {
        const s = await runScenario(folder.definition, { ...nodeHost(), code: folder.solution ?? '', seed: CONTRACT_SEEDS[0], loadScale });
        expect(s.status, s.statusReason).toBe('completed');
        expect(s.passed, describeFailures(s)).toBe(true);
      });
    }

    for (const seed of CONTRACT_SEEDS) {
      it(`seed ${seed}: starter misses an SLO by at least 2x`, async () => {
        const s = await run(folder, folder.starter, seed);
        expect(s.passed).toBe(false);
        const worst = Math.max(...s.slos.filter((x) => !x.pass).map(missFactor));
        expect(worst, describeFailures(s)).toBeGreaterThanOrEqual(2);
        expect(
          s.findings.some((f) => f.explains.length > 0),
          'a finding that explains a missed SLO',
        ).toBe(true);
      });

      it(`seed ${seed}: solution meets every SLO and check`, async () => {
        const s = await run(folder, folder.solution ?? '', seed);
        expect(s.passed, describeFailures(s)).toBe(true);
        expect(s.findings.map((f) => f.title)).toEqual([]);
      });

      for (const fix of folder.fixes) {
        if (fix.kind === 'alt') {
          it(`seed ${seed}: ${fix.name} meets every SLO and check`, async () => {
            const s = await run(folder, fix.code, seed);
            expect(s.passed, describeFailures(s)).toBe(true);
            expect(s.findings.map((f) => f.title)).toEqual([]);
          });
        } else if (fix.kind === 'cheat' || fix.name === SKIPS_WORK_FIX) {
          it(`seed ${seed}: ${fix.name} fails a functional check naming the request`, async () => {
            const s = await run(folder, fix.code, seed);
            expect(s.passed).toBe(false);
            const named = s.checks
              .filter((c) => !c.pass)
              .flatMap((c) => c.problems)
              .filter((p) => NAMES_REQUEST.test(p));
            expect(named.length, describeFailures(s)).toBeGreaterThan(0);
          });
        } else {
          it(`seed ${seed}: ${fix.name} misses an SLO or check`, async () => {
            const s = await run(folder, fix.code, seed);
            expect(s.passed).toBe(false);
          });
        }
      }
    }
  });
}
