/**
 * The learner's outbox: a report that fails to send is sent again with the same runId, later
 * each time; one the server refuses as it stands is dropped with a message; the list survives
 * a reload; nothing ever throws at the lab.
 */
import { describe, expect, it } from 'vitest';
import { type RunReport, WorkshopApiError } from '../../../web/workshop/api.ts';
import {
  mergeOutbox,
  type OutboxState,
  PENDING_MAX,
  ReportQueue,
  RETRY_MS_MAX,
  RETRY_MS_MIN,
  retryDelayMs,
} from '../../../web/workshop/ReportQueue.ts';

const report = (runId: string): RunReport => ({
  runId,
  scenarioId: 'blocking-event-loop',
  passed: false,
  slos: [],
  findings: [],
  codeSha256: '0'.repeat(64),
  seed: 1,
});

/** A queue whose sends answer as scripted and whose timers run only when the test says so. */
function harness(answers: (Error | null)[] = [], saved: RunReport[] = [], random = () => 0.5) {
  const sent: string[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const states: OutboxState[] = [];
  let stored = saved;
  const queue = new ReportQueue({
    send: async (r) => {
      sent.push(r.runId);
      const answer = answers.shift() ?? null;
      if (answer) throw answer;
    },
    load: () => stored,
    save: (list, settled) => {
      stored = mergeOutbox(stored, list, settled);
    },
    schedule: (fn, ms) => {
      const t = { fn, ms };
      timers.push(t);
      return () => timers.splice(timers.indexOf(t), 1);
    },
    onChange: (s) => states.push(s),
    random,
  });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  const fire = async () => {
    const t = timers.shift();
    t?.fn();
    await settle();
    return t?.ms;
  };
  return { queue, sent, timers, states, stored: () => stored, settle, fire };
}

describe('the report queue', () => {
  it('sends a report once and empties', async () => {
    const h = harness();
    h.queue.add(report('run-aaaaaaaa'));
    await h.settle();
    expect(h.sent).toEqual(['run-aaaaaaaa']);
    expect(h.queue.state).toEqual({ pending: 0, error: null });
    expect(h.stored()).toEqual([]);
  });

  it('retries a failed send with the same runId, waiting longer each time, and clears the error on success', async () => {
    const h = harness([new WorkshopApiError(0, 'no answer'), new WorkshopApiError(503, 'busy'), null]);
    h.queue.add(report('run-bbbbbbbb'));
    await h.settle();
    expect(h.queue.state.pending).toBe(1);
    expect(h.queue.state.error).toMatch(/no answer.*trying again/);
    expect(h.stored().map((r) => r.runId)).toEqual(['run-bbbbbbbb']);
    expect(await h.fire()).toBe(retryDelayMs(1, () => 0.5));
    expect(await h.fire()).toBe(retryDelayMs(2, () => 0.5));
    expect(h.sent).toEqual(['run-bbbbbbbb', 'run-bbbbbbbb', 'run-bbbbbbbb']);
    expect(h.queue.state).toEqual({ pending: 0, error: null });
    expect(retryDelayMs(2, () => 0)).toBeGreaterThanOrEqual(retryDelayMs(1, () => 0.999999));
    expect(retryDelayMs(100, () => 0.999999)).toBe(RETRY_MS_MAX);
  });

  it('draws each wait from half to all of the doubled wait, so a room that met one restart does not retry in step', () => {
    expect(retryDelayMs(1, () => 0)).toBe(RETRY_MS_MIN / 2);
    expect(retryDelayMs(1, () => 0.999999)).toBe(RETRY_MS_MIN);
    expect(retryDelayMs(3, () => 0)).toBe(2 * RETRY_MS_MIN);
    expect(retryDelayMs(100, () => 0)).toBe(RETRY_MS_MAX / 2);
    // The queue uses the draw it was given.
    const draws = [0, 0.999999];
    const waits = draws.map((d) => {
      const h = harness([new WorkshopApiError(0, 'no answer')], [], () => d);
      h.queue.add(report('run-cccccccc'));
      return h.settle().then(() => h.timers[0].ms);
    });
    return Promise.all(waits).then((ms) => expect(ms).toEqual([RETRY_MS_MIN / 2, RETRY_MS_MIN]));
  });

  it('keeps the order: a later report waits behind one being retried', async () => {
    const h = harness([new WorkshopApiError(429, 'slow down')]);
    h.queue.add(report('run-first000'));
    await h.settle();
    h.queue.add(report('run-second00'));
    await h.settle();
    await h.fire();
    expect(h.sent).toEqual(['run-first000', 'run-first000', 'run-second00']);
  });

  it('drops a report the server refuses as it stands, says why, and sends the next', async () => {
    const h = harness([new WorkshopApiError(400, 'body/scenarioId: x is not on this track')]);
    h.queue.add(report('run-refused0'));
    h.queue.add(report('run-fine0000'));
    await h.settle();
    await h.settle();
    expect(h.sent).toEqual(['run-refused0', 'run-fine0000']);
    expect(h.timers).toEqual([]);
    expect(h.queue.state.pending).toBe(0);
  });

  it('picks up what an earlier page left unsent, and queues a runId only once', async () => {
    const h = harness([], [report('run-left0000')]);
    h.queue.add(report('run-left0000'));
    expect(h.queue.state.pending).toBe(1);
    h.queue.flush();
    await h.settle();
    expect(h.sent).toEqual(['run-left0000']);
  });

  it('is bounded: past PENDING_MAX the oldest is dropped, with a message', async () => {
    const h = harness(Array.from({ length: PENDING_MAX + 5 }, () => new WorkshopApiError(0, 'offline')));
    for (let i = 0; i < PENDING_MAX + 1; i++) h.queue.add(report(`run-${String(i).padStart(8, '0')}`));
    await h.settle();
    expect(h.queue.state.pending).toBe(PENDING_MAX);
    expect(h.stored()[0].runId).toBe('run-00000001');
  });

  it('sends nothing more once disposed', async () => {
    const h = harness([new WorkshopApiError(0, 'offline')]);
    h.queue.add(report('run-cccccccc'));
    await h.settle();
    h.queue.dispose();
    h.queue.flush();
    await h.settle();
    expect(h.sent).toEqual(['run-cccccccc']);
  });
});

describe('the outbox shared by two tabs of a room', () => {
  const ids = (list: RunReport[]) => list.map((r) => r.runId);

  it("keeps the other tab's waiting reports, less those this tab settled", () => {
    const stored = [report('run-other000'), report('run-both0000'), report('run-mine0000')];
    expect(ids(mergeOutbox(stored, [report('run-mine0000'), report('run-new00000')], new Set(['run-both0000'])))).toEqual([
      'run-other000',
      'run-mine0000',
      'run-new00000',
    ]);
  });

  it('is bounded like the queue', () => {
    const many = Array.from({ length: PENDING_MAX + 3 }, (_, i) => report(`run-${String(i).padStart(8, '0')}`));
    expect(mergeOutbox(many, [], new Set())).toHaveLength(PENDING_MAX);
  });

  it('ends empty once a report is acknowledged by this tab', async () => {
    const h = harness();
    h.queue.add(report('run-dddddddd'));
    await h.settle();
    expect(h.stored()).toEqual([]);
  });
});
