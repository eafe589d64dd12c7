import type { RunSummary } from '../../runner/index.ts';
import { ms, pct, perSec } from './format.ts';

interface Row {
  label: string;
  pick: (s: RunSummary) => number;
  fmt: (v: number) => string;
  /** Whether a smaller number is the better one. */
  lowerIsBetter: boolean;
}

/**
 * Failed requests as the failure SLO (`http_req_failed`) counts them: errors and client
 * timeouts, of the requests that ended. Errors alone made a fix that ends the starter's
 * timeouts look "8× higher" beside a met SLO.
 */
const failedRate = (s: RunSummary) => (s.requests.completed ? (s.requests.errors + s.requests.timeouts) / s.requests.completed : 0);
const timeoutRate = (s: RunSummary) => (s.requests.completed ? s.requests.timeouts / s.requests.completed : 0);

const ROWS: Row[] = [
  { label: 'Latency p50', pick: (s) => s.requests.latency.p50Ms, fmt: ms, lowerIsBetter: true },
  { label: 'Latency p95', pick: (s) => s.requests.latency.p95Ms, fmt: ms, lowerIsBetter: true },
  { label: 'Latency p99', pick: (s) => s.requests.latency.p99Ms, fmt: ms, lowerIsBetter: true },
  { label: 'Latency max', pick: (s) => s.requests.latency.maxMs, fmt: ms, lowerIsBetter: true },
  { label: 'Throughput', pick: (s) => s.requests.throughputPerSec, fmt: perSec, lowerIsBetter: false },
  { label: 'Failed requests (errors and timeouts)', pick: failedRate, fmt: pct, lowerIsBetter: true },
  { label: 'of them, timed out', pick: timeoutRate, fmt: pct, lowerIsBetter: true },
  { label: 'Requests in flight (mean)', pick: (s) => s.requests.inFlightMean, fmt: (v) => v.toFixed(1), lowerIsBetter: true },
];

/**
 * Starter vs the learner's run, overall and per route. Without a baseline, the starter's
 * columns show only while it is being run (`comparing`); a run that will get none (stopped,
 * or its comparison failed) shows its own numbers alone.
 */
export function CompareTable({
  summary,
  baseline,
  comparing = false,
}: {
  summary: RunSummary;
  baseline: RunSummary | null;
  comparing?: boolean;
}) {
  if (baseline === summary) {
    return (
      <p className="panel muted" data-testid="compare-table">
        You ran the starter as it is: these numbers are the baseline your fixes will be compared against (dashed grey lines on the charts,
        “Starter” column in the tables).
      </p>
    );
  }
  const withStarter = baseline !== null || comparing;
  return (
    <div className="table-scroll">
      <table className="compare-table" data-testid="compare-table">
        <thead>
          <tr>
            <th scope="col">Overall</th>
            {withStarter && <th scope="col">Starter</th>}
            <th scope="col">Yours</th>
            {withStarter && <th scope="col">Change</th>}
          </tr>
        </thead>
        <tbody>
          {ROWS.map((r) => {
            const now = r.pick(summary);
            const before = baseline ? r.pick(baseline) : null;
            return (
              <tr key={r.label} className={r.label.startsWith('of them') ? 'route-row' : undefined}>
                <th scope="row">{r.label}</th>
                {withStarter && <td className="num">{before == null ? '…' : r.fmt(before)}</td>}
                <td className="num strong">{r.fmt(now)}</td>
                {withStarter && (
                  <td className="num">
                    {before == null ? '' : <Change before={before} now={now} fmt={r.fmt} lowerIsBetter={r.lowerIsBetter} />}
                  </td>
                )}
              </tr>
            );
          })}
          {summary.routes.map((route) => {
            const b = baseline?.routes.find((x) => x.route === route.route);
            return (
              <tr key={route.route} className="route-row">
                <th scope="row">
                  p99 <span className="mono">{route.route}</span>
                </th>
                {withStarter && <td className="num">{b ? ms(b.latency.p99Ms) : '…'}</td>}
                <td className="num strong">{ms(route.latency.p99Ms)}</td>
                {withStarter && (
                  <td className="num">{b ? <Change before={b.latency.p99Ms} now={route.latency.p99Ms} fmt={ms} lowerIsBetter /> : ''}</td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Changes under this fraction are noise at the table's precision: neither better nor worse. */
const CHANGE_FRACTION_MIN = 0.01;

function Change({ before, now, fmt, lowerIsBetter }: { before: number; now: number; fmt(v: number): string; lowerIsBetter: boolean }) {
  if (before === now || fmt(before) === fmt(now)) return <span className="muted">same</span>;
  if (before !== 0 && Math.abs(now / before - 1) < CHANGE_FRACTION_MIN) return <span className="muted">about the same</span>;
  const better = lowerIsBetter ? now < before : now > before;
  let text: string;
  if (before === 0) text = 'up from 0';
  else if (now === 0) text = 'down to 0';
  else {
    const ratio = now / before;
    const factor = ratio >= 1 ? ratio : 1 / ratio;
    const times = factor >= 10 ? Math.round(factor).toLocaleString('en-US') : factor.toFixed(1);
    text =
      factor >= 2 ? `${times}× ${ratio >= 1 ? 'higher' : 'lower'}` : `${ratio >= 1 ? '+' : '−'}${Math.abs((ratio - 1) * 100).toFixed(0)}%`;
  }
  return <span className={better ? 'delta delta-better' : 'delta delta-worse'}>{text}</span>;
}
