/**
 * The simulated `node:events` against Node's own: each scenario is run on the host's real
 * EventEmitter and on the simulated one, and the traces must be equal. Where Node's behaviour
 * involves promises, the simulated side settles on the simulator's job queue.
 */
import * as realEvents from 'node:events';
import { describe, expect, it } from 'vitest';
import { createEvents } from '../../../../../runner/runtime/modules/events/events.ts';
import { makePlatform, runAll } from '../../../../helpers/test-platform.ts';
import { FIXTURES, runFolder } from '../../../../helpers/run-fixture.ts';

type Emitter = realEvents.EventEmitter;
type EmitterCtor = new () => Emitter;

function simulated(): { EE: EmitterCtor; printed: string[]; mod: Record<string, unknown>; p: ReturnType<typeof makePlatform> } {
  const p = makePlatform();
  const printed: string[] = [];
  const mod = createEvents(p, (line) => printed.push(line));
  return { EE: mod as unknown as EmitterCtor, printed, mod, p };
}

/** Runs `script` on both implementations and returns both traces. */
function both(script: (EE: EmitterCtor, log: (s: unknown) => void) => void): [unknown[], unknown[]] {
  const traces: unknown[][] = [];
  for (const EE of [realEvents.EventEmitter as unknown as EmitterCtor, simulated().EE]) {
    const log: unknown[] = [];
    script(EE, (s) => log.push(s));
    traces.push(log);
  }
  return [traces[0], traces[1]];
}

describe('EventEmitter, as Node runs it', () => {
  it('calls listeners in order; prepend goes first; once fires once; emit returns whether anyone listened', () => {
    const [node, sim] = both((EE, log) => {
      const e = new EE();
      e.on('x', (a) => log(`a${a}`));
      e.prependListener('x', (a) => log(`p${a}`));
      e.once('x', (a) => log(`o${a}`));
      e.prependOnceListener('x', (a) => log(`po${a}`));
      log(e.emit('x', 1));
      log(e.emit('x', 2));
      log(e.emit('nobody'));
      log(e.listenerCount('x'));
    });
    expect(sim).toEqual(node);
    expect(sim).toEqual(['po1', 'p1', 'a1', 'o1', true, 'p2', 'a2', true, false, 2]);
  });

  it('emits to a snapshot: listeners added during an emit wait, removed ones still run', () => {
    const [node, sim] = both((EE, log) => {
      const e = new EE();
      const b = () => log('b');
      e.on('x', () => {
        log('a');
        e.on('x', () => log('late'));
        e.off('x', b);
      });
      e.on('x', b);
      e.emit('x');
      e.emit('x');
    });
    expect(sim).toEqual(node);
  });

  it('removeListener takes the most recently added match, and a once listener by its original', () => {
    const [node, sim] = both((EE, log) => {
      const e = new EE();
      const f = (tag: string) => log(tag);
      e.on('x', () => log('first'));
      e.on('x', f);
      e.on('x', () => log('middle'));
      e.once('x', f);
      e.removeListener('x', f);
      e.emit('x', 'f');
      log(e.listeners('x').length);
      log(e.rawListeners('x').length);
    });
    expect(sim).toEqual(node);
  });

  it('announces newListener before adding and removeListener after removing; removeAllListeners is LIFO', () => {
    const [node, sim] = both((EE, log) => {
      const e = new EE();
      e.on('newListener', (name) => log(`new ${String(name)} ${e.listenerCount(name)}`));
      e.on('removeListener', (name) => log(`removed ${String(name)} ${e.listenerCount(name)}`));
      const s = Symbol('s');
      e.on('a', () => {});
      e.on('a', () => {});
      e.on(s, () => {});
      e.on('1', () => {});
      log(e.eventNames().map(String).join(','));
      e.removeAllListeners('a');
      e.removeAllListeners();
      log(e.eventNames().length);
    });
    expect(sim).toEqual(node);
  });

  it("throws an 'error' with no listener: the Error itself, or ERR_UNHANDLED_ERROR naming the value", () => {
    const [node, sim] = both((EE, log) => {
      const e = new EE();
      const boom = new Error('boom');
      try {
        e.emit('error', boom);
      } catch (err) {
        log(err === boom);
      }
      for (const v of [undefined, { a: 1 }, 'text']) {
        try {
          e.emit('error', v);
        } catch (err) {
          log(`${(err as { code: string }).code} ${(err as Error).message}`);
        }
      }
      e.on(realEvents.errorMonitor, () => log('monitor'));
      e.on('error', (err: Error) => log(`handled ${err.message}`));
      e.emit('error', boom);
    });
    // The error monitor symbol differs per implementation; the simulated one is its own module's.
    expect(sim.slice(0, 4)).toEqual(node.slice(0, 4));
    expect(node.slice(4)).toEqual(['monitor', 'handled boom']);
  });

  it('errorMonitor listeners see the error first and do not handle it', () => {
    const { EE, mod } = simulated();
    const e = new EE();
    const log: string[] = [];
    e.on(mod.errorMonitor as symbol, () => log.push('monitor'));
    expect(() => e.emit('error', new Error('boom'))).toThrow('boom');
    e.on('error', () => log.push('handled'));
    e.emit('error', new Error('x'));
    expect(log).toEqual(['monitor', 'monitor', 'handled']);
  });

  it('works for pre-class subclasses (EventEmitter.call(this)) and class subclasses', () => {
    const { EE } = simulated();
    function Old(this: Emitter) {
      (EE as unknown as (this: unknown) => void).call(this);
    }
    Object.setPrototypeOf(Old.prototype, EE.prototype);
    const o = new (Old as unknown as EmitterCtor)();
    let n = 0;
    o.on('x', () => n++);
    o.emit('x');
    class New extends EE {}
    const c = new New();
    c.on('x', () => n++);
    c.emit('x');
    expect(n).toBe(2);
  });

  it('warns on the 11th listener as Node prints it, once per event, after the tick, with the hint only the first time', () => {
    const { EE, printed, p } = simulated();
    class Pool extends EE {}
    const e = new EE();
    const q = new Pool();
    q.setMaxListeners(1);
    p.loop.runNow(() => {
      for (let i = 0; i < 12; i++) e.on('data', () => {});
      q.on('end', () => {});
      q.on('end', () => {});
      expect(printed).toEqual([]);
    });
    runAll(p);
    expect(printed).toEqual([
      '(node:4242) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 11 data listeners added to [EventEmitter]. ' +
        'MaxListeners is 10. Use emitter.setMaxListeners() to increase limit\n' +
        '(Use `node --trace-warnings ...` to show where the warning was created)',
      '(node:4242) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 2 end listeners added to [Pool]. ' +
        'MaxListeners is 1. Use emitter.setMaxListeners() to increase limit',
    ]);
    expect(e.getMaxListeners()).toBe(10);
    expect(() => e.setMaxListeners(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });

  it('refuses a non-function listener as Node does', () => {
    const [node, sim] = both((EE, log) => {
      try {
        new EE().on('x', 42 as never);
      } catch (err) {
        log((err as Error).message);
      }
    });
    expect(sim).toEqual(node);
  });
});

describe('events.once and events.on, on the simulated Promise', () => {
  it('once resolves with the arguments, rejects on error, and resumes in the same turn order as Node', async () => {
    const nodeOrder: string[] = [];
    {
      const e = new realEvents.EventEmitter();
      const done = realEvents.once(e, 'ready').then((args) => nodeOrder.push(`ready ${args.join(',')}`));
      Promise.resolve()
        .then(() => nodeOrder.push('tick1'))
        .then(() => nodeOrder.push('tick2'))
        .then(() => nodeOrder.push('tick3'));
      e.emit('ready', 1, 2);
      await done;
    }
    const { mod, p } = simulated();
    const simOrder: string[] = [];
    const once = mod.once as typeof realEvents.once;
    const e = new (mod as unknown as EmitterCtor)();
    let failed = '';
    p.loop.runNow(() => {
      once(e, 'ready').then((args) => simOrder.push(`ready ${args.join(',')}`));
      p.Promise.resolve()
        .then(() => simOrder.push('tick1'))
        .then(() => simOrder.push('tick2'))
        .then(() => simOrder.push('tick3'));
      e.emit('ready', 1, 2);
      once(e, 'other').catch((err: Error) => (failed = err.message));
      e.emit('error', new Error('bad'));
    });
    runAll(p);
    expect(simOrder).toEqual(nodeOrder);
    expect(failed).toBe('bad');
    expect(e.listenerCount('error')).toBe(0);
    expect(e.listenerCount('other')).toBe(0);
  });

  it('on iterates buffered and later events, rejects on error, and return() removes its listeners', () => {
    const { mod, p } = simulated();
    const on = mod.on as (e: Emitter, n: string) => AsyncIterableIterator<unknown[]>;
    const e = new (mod as unknown as EmitterCtor)();
    const got: string[] = [];
    p.loop.runNow(() => {
      const it = on(e, 'msg');
      e.emit('msg', 'a');
      e.emit('msg', 'b');
      const next = (): void => {
        it.next().then(
          (r) => {
            if (r.done) return void got.push('done');
            got.push(String(r.value[0]));
            next();
          },
          (err: Error) => got.push(`error ${err.message}`),
        );
      };
      next();
    });
    runAll(p);
    p.loop.runNow(() => e.emit('msg', 'c'));
    runAll(p);
    p.loop.runNow(() => e.emit('error', new Error('x')));
    runAll(p);
    expect(got).toEqual(['a', 'b', 'c', 'error x']);
    expect(e.listenerCount('msg')).toBe(0);
    expect(e.listenerCount('error')).toBe(0);
  });
});

describe('node:events in a service', () => {
  it('subclasses, once, for-await over on (lowered to the simulated Promise) and the warning on the console', async () => {
    const code = `
import EventEmitter, { once, on } from 'node:events';
import { EventEmitter as Same } from 'events';
class Queue extends EventEmitter {}
const q = new Queue();
console.log('same class', EventEmitter === Same, q instanceof Same);
async function consume() {
  const seen: string[] = [];
  for await (const [job] of on(q, 'job')) {
    seen.push(job);
    if (seen.length === 3) break;
  }
  console.log('consumed', seen.join(','), q.listenerCount('job'));
}
export default async function routes(app: any) {
  consume();
  const ready = once(q, 'ready');
  setTimeout(() => { q.emit('job', 'a'); q.emit('job', 'b'); q.emit('ready', 42); }, 5);
  setTimeout(() => q.emit('job', 'c'), 10);
  const [value] = await ready;
  console.log('ready', value, Date.now() % 1000);
  for (let i = 0; i < 11; i++) q.on('leak', () => {});
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => ({ ok: true }));
}`;
    const s = await runFolder(`${FIXTURES}two-routes`, code, 1, (d) => ({ ...d, load: { ...d.load, durationMs: 500 } }));
    expect(s.errors).toEqual([]);
    const lines = s.console.map((l) => l.replace(/^\[[\d.]+s\] /, ''));
    expect(lines[0]).toBe('same class true true');
    expect(lines).toContain('consumed a,b,c 0');
    expect(lines.find((l) => l.startsWith('ready'))).toBe('ready 42 5');
    expect(lines.find((l) => l.startsWith('warn:'))).toMatch(
      /^warn: \(node:4242\) MaxListenersExceededWarning: Possible EventEmitter memory leak detected\. 11 leak listeners added to \[Queue\]/,
    );
  });
});
