import type { RunSummary } from '../../runner/index.ts';

/**
 * When the service ran as several replicas: how the load balancer spread the requests, each
 * replica's worst event-loop delay and pool use, and the connections all of them opened to
 * the one database (what max_connections limits).
 */
export function ReplicaTable({ summary }: { summary: RunSummary }) {
  const replicas = summary.replicas;
  if (!replicas) return null;
  const db = summary.databaseConnections;
  return (
    <section className="panel" data-testid="replica-table">
      <h3>{replicas.length} replicas behind the load balancer</h3>
      <table className="compare-table">
        <thead>
          <tr>
            <th scope="col">Replica</th>
            <th scope="col">Requests</th>
            <th scope="col">Loop delay max</th>
            <th scope="col">Pool in use max</th>
            <th scope="col">Leaked clients</th>
          </tr>
        </thead>
        <tbody>
          {replicas.map((r) => (
            <tr key={r.replica}>
              <th scope="row">{r.replica}</th>
              <td className="num">{r.requests.toLocaleString('en-US')}</td>
              <td className="num">{r.eventLoopDelayMaxMs.toFixed(1)} ms</td>
              <td className="num">{r.poolInUseMax}</td>
              <td className="num">{r.leakedClients}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {db && (
        <p className="muted small" data-testid="database-connections">
          Database connections, all replicas together: peak {db.peak} of max_connections {db.maxConnections}
          {db.refused > 0 ? `; ${db.refused.toLocaleString('en-US')} refused ("sorry, too many clients already")` : ''}.
        </p>
      )}
    </section>
  );
}
