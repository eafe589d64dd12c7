/**
 * The simulated `redis` module: node-redis v4 shapes, one round trip per command, TTLs on
 * the virtual clock, the closed-client error and the bounded server.
 */
import { describe, expect, it } from 'vitest';
import {
  CACHE_CPU_MS,
  CACHE_KEYS_MAX,
  ClientClosedError,
  createRedis,
  type RedisClient,
} from '../../../../../runner/runtime/modules/redis/redis.ts';
import { testPlatform } from '../../../../helpers/test-platform.ts';

function setup(rttMs?: number) {
  const t = testPlatform();
  const redis = createRedis(t.p, rttMs === undefined ? {} : { rttMs });
  return { ...t, redis };
}

/** Runs `fn` in a task at `atMs` and records what its promise settles to, and when. */
function at<T>(t: ReturnType<typeof setup>, atMs: number, fn: () => Promise<T>): { value?: T; error?: unknown; atMs?: number } {
  const out: { value?: T; error?: unknown; atMs?: number } = {};
  t.task(atMs, () => {
    fn().then(
      (value) => Object.assign(out, { value, atMs: t.p.loop.now() }),
      (error) => Object.assign(out, { error, atMs: t.p.loop.now() }),
    );
  });
  return out;
}

/** A client connected at time 0. */
function connected(t: ReturnType<typeof setup>): RedisClient {
  const client = t.redis.createClient({ url: 'redis://cache:6379' });
  t.task(0, () => void client.connect());
  t.run(1);
  return client;
}

describe('connection', () => {
  it('a command before connect() rejects with "The client is closed"', () => {
    const t = setup();
    const client = t.redis.createClient();
    const out = at(t, 0, () => client.get('k'));
    t.run();
    expect(out.error).toBeInstanceOf(ClientClosedError);
    expect((out.error as Error).message).toBe('The client is closed');
    expect(client.isOpen).toBe(false);
  });

  it('connect() takes a round trip, emits connect/ready, and the client closes on quit()', () => {
    const t = setup();
    const client = t.redis.createClient();
    const events: string[] = [];
    client.on('ready', () => events.push(`ready@${t.p.loop.now()}`)).on('end', () => events.push('end'));
    const conn = at(t, 0, () => client.connect());
    let openWhileConnecting = false;
    t.task(0, () => {
      openWhileConnecting = client.isOpen && !client.isReady;
    });
    t.run(5);
    expect(conn.value).toBe(client);
    expect(conn.atMs).toBeCloseTo(0.3, 2);
    expect(openWhileConnecting).toBe(true);
    const quit = at(t, 10, () => client.quit());
    const after = at(t, 20, () => client.get('k'));
    t.run();
    expect(quit.value).toBe('OK');
    expect((after.error as Error).message).toBe('The client is closed');
    expect(events).toEqual(['ready@0.3', 'end']);
  });

  it('commands sent while connecting wait for the connection', () => {
    const t = setup();
    const client = t.redis.createClient();
    let got: unknown;
    let gotAtMs = 0;
    t.task(0, () => {
      void client.connect();
      client
        .set('k', 'v')
        .then(() => client.get('k'))
        .then((v) => {
          got = v;
          gotAtMs = t.p.loop.now();
        });
    });
    t.run();
    expect(got).toBe('v');
    // connect 0.3; SET waits for it and runs 0.3 to 0.6; GET adds its 0.01 ms CPU and a round trip.
    expect(gotAtMs).toBeCloseTo(0.9 + CACHE_CPU_MS, 2);
  });
});

describe('commands', () => {
  it('each command is one round trip of rttMs', () => {
    const t = setup(2);
    const client = connected(t);
    const out = at(t, 10, () => client.set('k', 'v'));
    t.run();
    expect(out.value).toBe('OK');
    expect(out.atMs).toBeCloseTo(10 + CACHE_CPU_MS + 2, 2);
  });

  it('values are strings; NX, incr, del, exists, mGet behave as in node-redis v4', () => {
    const t = setup();
    const client = connected(t);
    const results: unknown[] = [];
    t.task(10, () => {
      const steps: (() => Promise<unknown>)[] = [
        () => client.set('n', 41),
        () => client.get('n'),
        () => client.incr('n'),
        () => client.set('n', 'x', { NX: true }),
        () => client.set('s', 'hello'),
        () => client.incr('s').catch((e: Error) => e.message),
        () => client.mGet(['n', 'missing', 's']),
        () => client.exists(['n', 's', 'missing']),
        () => client.del(['n', 'missing']),
        () => client.get('n'),
        () => client.set('obj', { a: 1 } as never).catch((e: Error) => e.message),
      ];
      steps.reduce<Promise<unknown>>((prev, step) => prev.then(() => step().then((r) => results.push(r))), t.p.Promise.resolve());
    });
    t.run();
    expect(results).toEqual([
      'OK',
      '41',
      42,
      null,
      'OK',
      'ERR value is not an integer or out of range',
      ['42', null, 'hello'],
      2,
      1,
      null,
      'Invalid argument type',
    ]);
  });

  it('two clients share one server', () => {
    const t = setup();
    const a = connected(t);
    const b = connected(t);
    at(t, 10, () => a.set('shared', '1'));
    const read = at(t, 20, () => b.get('shared'));
    t.run();
    expect(read.value).toBe('1');
  });
});

describe('TTL on the virtual clock', () => {
  it('a key set with EX expires after that many virtual seconds', () => {
    const t = setup();
    const client = connected(t);
    at(t, 100, () => client.set('session', 'abc', { EX: 10 }));
    const before = at(t, 10_000, () => client.get('session'));
    const ttl = at(t, 5_100, () => client.ttl('session'));
    const after = at(t, 10_101, () => client.get('session'));
    const gone = at(t, 10_200, () => client.ttl('session'));
    t.run();
    expect(before.value).toBe('abc');
    expect(ttl.value).toBe(5);
    expect(after.value).toBeNull();
    expect(gone.value).toBe(-2);
  });

  it('PX, expire and pTTL work in milliseconds; a key without TTL answers -1', () => {
    const t = setup();
    const client = connected(t);
    at(t, 10, () => client.set('a', '1', { PX: 250 }));
    at(t, 10, () => client.set('b', '1'));
    const noTtl = at(t, 20, () => client.ttl('b'));
    const pttl = at(t, 110, () => client.pTTL('a'));
    const expire = at(t, 120, () => client.expire('b', 1));
    const aGone = at(t, 300, () => client.exists('a'));
    const bLive = at(t, 1_000, () => client.exists('b'));
    const bGone = at(t, 1_200, () => client.exists('b'));
    t.run();
    expect(noTtl.value).toBe(-1);
    expect(pttl.value).toBe(150);
    expect(expire.value).toBe(true);
    expect([aGone.value, bLive.value, bGone.value]).toEqual([0, 1, 0]);
  });
});

describe('bounded server', () => {
  it(`keeps at most ${CACHE_KEYS_MAX} keys, evicting the least recently used`, () => {
    const t = setup();
    const client = connected(t);
    t.task(10, () => {
      for (let i = 0; i < CACHE_KEYS_MAX; i++) void client.set(`k${i}`, 'v');
    });
    t.run();
    // Touch k0 so that k1 is now the least recently used, then add one more key.
    at(t, 5_000, () => client.get('k0'));
    at(t, 5_001, () => client.set('one-more', 'v'));
    const k0 = at(t, 5_010, () => client.exists('k0'));
    const k1 = at(t, 5_010, () => client.exists('k1'));
    t.run();
    expect([k0.value, k1.value]).toEqual([1, 0]);
    expect(t.redis.stats()).toMatchObject({ keys: CACHE_KEYS_MAX, evictions: 1 });
  });
});
