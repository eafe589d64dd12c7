/**
 * The run's charts: latency, throughput and errors, then the gauges of the mechanisms a
 * scenario exercises. The starter's run for the same seed is drawn dashed behind the learner's.
 */
import type { SeriesBucket } from '../../../runner/index.ts';
import { TimeChart, type ChartSeries } from './TimeChart.tsx';

export interface RunChartsProps {
  buckets: SeriesBucket[];
  baseline: SeriesBucket[];
  durationMs: number;
}

const C = {
  p50: '#60a5fa',
  p95: '#2563eb',
  p99: '#1e3a8a',
  ok: '#15803d',
  bad: '#dc2626',
  warn: '#d97706',
  base: '#9ca3af',
  purple: '#7c3aed',
};

type Pick = (b: SeriesBucket) => number | null;

function values(buckets: SeriesBucket[], pick: Pick): (number | null)[] {
  const out: (number | null)[] = [];
  for (const b of buckets) out[Math.round(b.tMs / 1000)] = pick(b);
  return out;
}

/** `completed` counts every request that ended, including errors and client timeouts. */
const okPerSec: Pick = (b) => Math.max(0, b.completed - b.errors - b.timeouts);

/** A latency of a bucket that completed nothing is not zero, it is unknown. */
const latency =
  (key: 'latencyP50Ms' | 'latencyP95Ms' | 'latencyP99Ms'): Pick =>
  (b) =>
    b.completed > 0 && b[key] > 0 ? b[key] : null;

interface Gauge {
  id: string;
  title: string;
  unit: string;
  lines: { label: string; color: string; pick: Pick }[];
}

const GAUGES: Gauge[] = [
  {
    id: 'event-loop',
    title: 'Event-loop delay, worst in each second',
    unit: 'ms',
    lines: [{ label: 'delay', color: C.warn, pick: (b) => b.eventLoopDelayMaxMs }],
  },
  {
    id: 'pool',
    title: 'Database pool',
    unit: 'connections',
    lines: [
      { label: 'in use', color: C.p95, pick: (b) => b.poolInUseMax },
      { label: 'waiting', color: C.bad, pick: (b) => b.poolWaitingMax },
    ],
  },
  {
    id: 'thread-pool',
    title: 'Thread-pool queue',
    unit: 'tasks',
    lines: [{ label: 'queued', color: C.purple, pick: (b) => b.threadPoolQueueMax }],
  },
  {
    id: 'downstream',
    title: 'Downstream calls vs attempts (retry amplification)',
    unit: '/s',
    lines: [
      { label: 'calls', color: C.ok, pick: (b) => b.downstreamCalls },
      { label: 'attempts', color: C.bad, pick: (b) => b.downstreamAttempts },
    ],
  },
];

function isActive(g: Gauge, runs: SeriesBucket[][]): boolean {
  return runs.some((r) => r.some((b) => g.lines.some((l) => (l.pick(b) ?? 0) > 0)));
}

export function RunCharts({ buckets, baseline, durationMs }: RunChartsProps) {
  const durationSec = Math.ceil(durationMs / 1000);
  const hasBase = baseline.length > 0;
  const base = (label: string, pick: Pick): ChartSeries[] =>
    hasBase ? [{ label: `starter ${label}`, color: C.base, dashed: true, values: values(baseline, pick) }] : [];
  const active = GAUGES.filter((g) => isActive(g, [buckets, baseline]));
  const idle = GAUGES.filter((g) => !active.includes(g));

  return (
    <div className="charts">
      <div className="chart-grid">
        <TimeChart
          testId="chart-latency"
          title="Latency"
          unit="ms"
          log
          durationSec={durationSec}
          series={[
            ...base('p99', latency('latencyP99Ms')),
            { label: 'p50', color: C.p50, values: values(buckets, latency('latencyP50Ms')) },
            { label: 'p95', color: C.p95, values: values(buckets, latency('latencyP95Ms')) },
            { label: 'p99', color: C.p99, values: values(buckets, latency('latencyP99Ms')) },
          ]}
        />
        <TimeChart
          testId="chart-throughput"
          title="Throughput and errors"
          unit="req/s"
          durationSec={durationSec}
          series={[
            ...base('ok', okPerSec),
            { label: 'ok', color: C.ok, values: values(buckets, okPerSec) },
            { label: 'errors', color: C.bad, values: values(buckets, (b) => b.errors) },
            { label: 'timeouts', color: C.warn, values: values(buckets, (b) => b.timeouts) },
          ]}
        />
        {active.map((g) => (
          <TimeChart
            key={g.id}
            testId={`chart-${g.id}`}
            title={g.title}
            unit={g.unit}
            durationSec={durationSec}
            series={[
              ...base(g.lines[g.lines.length - 1].label, g.lines[g.lines.length - 1].pick),
              ...g.lines.map((l) => ({ label: l.label, color: l.color, values: values(buckets, l.pick) })),
            ]}
          />
        ))}
      </div>
      {buckets.length > 0 && idle.length > 0 && (
        <p className="muted small">Not used in this run: {idle.map((g) => g.title.split(',')[0].toLowerCase()).join(', ')}.</p>
      )}
    </div>
  );
}
