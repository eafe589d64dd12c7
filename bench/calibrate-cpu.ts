/**
 * `npm run bench:cpu`: calibrates the CPU metering of the service's JavaScript and of the
 * built-ins charged by size (runner/runtime/process/cpu-meter.ts and builtin-meter.ts,
 * runner/sandbox/metered-json.ts and metered-clone.ts). Each operation of
 * bench/cpu-operations.ts is timed in real Node on this machine (plain, before the realm is
 * sealed; the fastest of several warm runs), then evaluated as the simulator evaluates a service,
 * instrumented in a sealed compartment, where its metered units give its virtual CPU time.
 * Prints operation, Node ms, simulated ms and their ratio (the target is within 2× either
 * way), and the wall time of the instrumented code, which is what metering adds to a hot loop.
 */
import { performance } from 'node:perf_hooks';
import { CPU_OPERATIONS } from './cpu-operations.ts';
import { ServiceRealm } from '../runner/sandbox/evaluate.ts';
import { createMeteredJson } from '../runner/sandbox/metered-json.ts';
import { createMeteredStructuredClone } from '../runner/sandbox/metered-clone.ts';
import { Buffer } from '../runner/runtime/modules/buffer/buffer.ts';
import { CPU_MS_PER_UNIT, createCpuCounter } from '../runner/runtime/process/cpu-meter.ts';
import { renderTable } from '../runner/report/table.ts';

const WARM_RUNS = 3;
const TIMED_RUNS = 15;

/**
 * The fastest of several warm runs: on a shared machine other processes only ever add time,
 * so the minimum is the best estimate of what the operation itself costs.
 */
function fastestMs(fn: () => unknown): number {
  for (let i = 0; i < WARM_RUNS; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return Math.min(...times);
}

function nodeFunction(source: string): () => unknown {
  const module = { exports: undefined as unknown };
  new Function('module', 'exports', source)(module, {});
  return module.exports as () => unknown;
}

// Real Node first, before sealing the realm changes anything.
const nodeMs = CPU_OPERATIONS.map((op) => fastestMs(nodeFunction(op.source)));

const counter = createCpuCounter();
const realm = new ServiceRealm(
  { JSON: createMeteredJson(counter), structuredClone: createMeteredStructuredClone(counter, structuredClone), Buffer },
  counter,
);
const rows = CPU_OPERATIONS.map((op, i) => {
  const fn = realm.evaluateCommonJs(op.source, () => undefined, 'calibrate.js') as () => unknown;
  const wallMs = fastestMs(fn);
  const before = counter.n;
  fn();
  const simulatedMs = (counter.n - before) * CPU_MS_PER_UNIT;
  const ratio = simulatedMs / nodeMs[i];
  return [
    op.name,
    nodeMs[i].toFixed(2),
    simulatedMs.toFixed(2),
    ratio.toFixed(2),
    wallMs.toFixed(2),
    ratio >= 0.5 && ratio <= 2 ? 'ok' : 'OFF',
  ];
});

console.log(`CPU_MS_PER_UNIT = ${CPU_MS_PER_UNIT}`);
const columns = [
  { header: 'operation', flex: true },
  ...['Node ms', 'simulated ms', 'ratio', 'metered wall ms', 'within 2x'].map((header) => ({ header, align: 'right' as const })),
];
console.log(renderTable(columns, rows, { widthMax: 120 }).join('\n'));
