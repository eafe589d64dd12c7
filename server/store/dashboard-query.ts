/**
 * The host's dashboard from three aggregate queries over one snapshot of the room: a row per
 * learner, how far the room got on each scenario, and the findings of failed runs. The
 * database does the counting, so a flush costs the same with forty learners or four hundred
 * runs each.
 */
import { num, type SqlDriver } from './sql-driver.ts';
import type { Dashboard, FindingCount, FindingRef, LearnerRow, Room, ScenarioProgress, SloValue } from './workshop-store.ts';

const LEARNER_ROWS = `
  with latest as (
    select distinct on (learner_id) learner_id, scenario_id, slos, findings, error, received_at_ms
    from workshop_runs where room_code = $1 order by learner_id, seq desc
  ), counts as (
    select r.learner_id,
      count(*) as runs,
      count(*) filter (where r.scenario_id = l.scenario_id) as runs_on_scenario,
      max(r.received_at_ms) filter (where r.scenario_id <> l.scenario_id) as left_previous_at_ms,
      coalesce(bool_or(r.passed) filter (where r.scenario_id = l.scenario_id), false) as solved
    from workshop_runs r join latest l on l.learner_id = r.learner_id
    where r.room_code = $1 group by r.learner_id
  )
  select le.id, le.name, le.joined_at_ms, le.hand_raised,
    l.scenario_id, l.slos, l.findings, l.error, l.received_at_ms as last_run_at_ms,
    c.runs, c.runs_on_scenario, c.left_previous_at_ms, c.solved
  from workshop_learners le
  left join latest l on l.learner_id = le.id
  left join counts c on c.learner_id = le.id
  where le.room_code = $1
  order by le.joined_at_ms, le.name_key`;

const SCENARIO_COUNTS = `
  select scenario_id, count(*) as runs, count(distinct learner_id) as attempted,
    count(distinct learner_id) filter (where passed) as solved
  from workshop_runs where room_code = $1 group by scenario_id`;

const FAILING_FINDINGS = `
  select r.scenario_id, f->>'rule' as rule, min(f->>'title') as title, count(*) as n
  from workshop_runs r cross join lateral jsonb_array_elements(r.findings) f
  where r.room_code = $1 and not r.passed
  group by r.scenario_id, f->>'rule'`;

export async function queryDashboard(db: SqlDriver, room: Room, nowMs: number): Promise<Dashboard> {
  const [learnerRows, scenarioRows, findingRows] = await db.transaction(async (tx) => {
    // One snapshot for all three, so the room-wide counts agree with the rows.
    await tx.query('set transaction isolation level repeatable read');
    return [
      await tx.query(LEARNER_ROWS, [room.code]),
      await tx.query(SCENARIO_COUNTS, [room.code]),
      await tx.query(FAILING_FINDINGS, [room.code]),
    ];
  });
  const firstScenario = room.track[0].scenarioId;
  const learners = learnerRows.map((r): LearnerRow => {
    const hasRun = r.scenario_id !== null;
    const slos = (r.slos ?? []) as SloValue[];
    const findings = (r.findings ?? []) as FindingRef[];
    return {
      learnerId: r.id as string,
      name: r.name as string,
      scenarioId: hasRun ? (r.scenario_id as string) : firstScenario,
      onScenarioSinceMs: r.left_previous_at_ms === null ? num(r.joined_at_ms) : num(r.left_previous_at_ms),
      solved: hasRun && (r.solved as boolean),
      slosMet: hasRun ? slos.filter((s) => s.pass).length : null,
      slosTotal: hasRun ? slos.length : null,
      runs: hasRun ? num(r.runs) : 0,
      runsOnScenario: hasRun ? num(r.runs_on_scenario) : 0,
      lastFinding: hasRun ? ((r.error as string | null) ?? findings[0]?.title ?? null) : null,
      handRaised: r.hand_raised as boolean,
      lastRunAtMs: hasRun ? num(r.last_run_at_ms) : null,
    };
  });

  const findingsByScenario = new Map<string, FindingCount[]>();
  const roomFindings = new Map<string, FindingCount>();
  for (const r of findingRows) {
    const f = { rule: r.rule as string, title: r.title as string, count: num(r.n) };
    findingsByScenario.set(r.scenario_id as string, [...(findingsByScenario.get(r.scenario_id as string) ?? []), f]);
    const sum = roomFindings.get(f.rule);
    roomFindings.set(f.rule, sum ? { ...sum, count: sum.count + f.count } : { ...f });
  }
  const counts = new Map(scenarioRows.map((r) => [r.scenario_id as string, r]));
  const scenarios = room.track.map(({ scenarioId }): ScenarioProgress => {
    const c = counts.get(scenarioId);
    return {
      scenarioId,
      solved: c ? num(c.solved) : 0,
      attempted: c ? num(c.attempted) : 0,
      runs: c ? num(c.runs) : 0,
      topFailingFinding: mostCommon(findingsByScenario.get(scenarioId) ?? []),
    };
  });
  return { room, learners, scenarios, topFailingFinding: mostCommon([...roomFindings.values()]), atMs: nowMs };
}

/** The finding counted most; ties go to the rule first in alphabetical order, so the answer is stable. */
function mostCommon(findings: FindingCount[]): FindingCount | null {
  let best: FindingCount | null = null;
  for (const f of findings) if (!best || f.count > best.count || (f.count === best.count && f.rule < best.rule)) best = f;
  return best;
}
