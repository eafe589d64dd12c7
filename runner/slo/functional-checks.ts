/**
 * Functional checks: every response of each checked route is verified against the database
 * at the virtual instant the response arrived, so a service that skips the work (canned,
 * empty or stale data) fails even when it is fast. Every response, not a sample: a service
 * can count its requests, and would do the real work only for the ones a sample looks at.
 * Checks also see the downstream services' ledgers, the work they really did, so an answer
 * the service invented (a charge id, a price) fails even when it looks right, and the keys its
 * crypto derived, so a login answered without hashing the password fails; audits look at
 * the run as a whole once it has ended (a card charged twice).
 */
import type { Audit, Exchange, FunctionalCheck, CheckDb, ScenarioDefinition } from '../scenario/types.ts';
import type { CheckResult } from '../summary-schema.ts';
import type { Kernel } from '../sim/kernel.ts';
import type { Database } from '../runtime/remote/database/database.ts';
import type { DownstreamService } from '../runtime/remote/downstream.ts';
import type { ServerReply } from '../runtime/process/http-server.ts';
import type { LogicalRequest } from '../load/load-client.ts';
import { derivationLedgerOf } from '../runtime/modules/crypto/derivations.ts';

/** Problems kept per check. */
const PROBLEMS_MAX = 5;

interface Tally {
  check: FunctionalCheck;
  checked: number;
  failed: number;
  problems: string[];
}

export class FunctionalChecks {
  private readonly tallies: Tally[];
  private readonly audits: readonly Audit[];
  /** What checks consult; scenario code keys its per-run notes by it. */
  readonly checkDb: CheckDb;

  constructor(
    def: ScenarioDefinition,
    db: Database | undefined,
    downstreams: readonly DownstreamService[],
    private readonly kernel: Kernel,
  ) {
    this.tallies = (def.checks ?? []).map((check) => ({ check, checked: 0, failed: 0, problems: [] }));
    this.audits = def.audits ?? [];
    const byHost = new Map(downstreams.map((d) => [d.host, d]));
    const derivations = derivationLedgerOf(kernel);
    this.checkDb = {
      query: async <T>(sql: string, params: unknown[] = []) => {
        if (!db) throw new Error('this scenario has no database');
        const out = await db.readForCheck(sql, params);
        if (!out.ok) throw new Error(`check query failed: ${out.error.message}`);
        return { rows: out.rows as T[] };
      },
      ledger: (host) => {
        const d = byHost.get(host);
        if (!d) throw new Error(`this scenario has no downstream ${host}`);
        return d.work();
      },
      derivations: () => derivations.entries,
    };
  }

  observe(l: LogicalRequest, reply: ServerReply, endMs: number): void {
    // One exchange, its body parsed once, for all the route's checks: they only read it.
    let ex: Exchange | undefined;
    for (const t of this.tallies) {
      if (t.check.route !== l.route) continue;
      ex ??= {
        route: l.route,
        request: l.request,
        status: reply.status,
        body: parseBody(reply.json),
        startMs: l.scheduledMs,
        endMs,
      };
      t.checked++;
      let verdict: ReturnType<FunctionalCheck['verify']>;
      try {
        verdict = t.check.verify(ex, this.checkDb);
      } catch (err) {
        verdict = `the check itself failed: ${(err as Error).message}`;
      }
      if (verdict && typeof (verdict as Promise<unknown>).then === 'function') {
        // The check reads the database as it is now; the kernel waits for it before moving on.
        const seen = ex;
        this.kernel.awaitHost(
          (verdict as Promise<string | undefined>).then(
            (problem) => this.record(t, problem, seen),
            (err: Error) => this.record(t, `the check itself failed: ${err.message}`, seen),
          ),
        );
      } else {
        this.record(t, verdict as string | undefined, ex);
      }
    }
  }

  private record(t: Tally, problem: string | undefined, ex: Exchange): void {
    if (!problem) return;
    t.failed++;
    if (t.problems.length >= PROBLEMS_MAX) return;
    t.problems.push(`${ex.request.method} ${ex.request.path} at ${(ex.endMs / 1000).toFixed(3)}s: ${problem}`);
  }

  /** The audits, run once the run has ended. */
  async audit(): Promise<CheckResult[]> {
    const out: CheckResult[] = [];
    for (const a of this.audits) {
      let problems: string[];
      try {
        problems = await a.verify(this.checkDb);
      } catch (err) {
        problems = [`the audit itself failed: ${(err as Error).message}`];
      }
      const shown = problems.slice(0, PROBLEMS_MAX);
      if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
      out.push({ name: a.name, checked: 1, failed: problems.length > 0 ? 1 : 0, problems: shown, pass: problems.length === 0 });
    }
    return out;
  }

  results(): CheckResult[] {
    return this.tallies.map((t) => ({
      name: t.check.name,
      checked: t.checked,
      failed: t.failed,
      problems: t.problems,
      pass: t.failed === 0 && t.checked > 0,
    }));
  }
}

function parseBody(json: string): unknown {
  if (json === '') return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
