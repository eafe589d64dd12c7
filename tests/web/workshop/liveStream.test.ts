/**
 * Server-Sent Events read with fetch: events split across chunks, comments skipped, the token
 * in a header and never the URL, reconnects after a drop with bounded waits, none after a
 * refusal or once closed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  openLiveStream,
  RECONNECT_MS_MAX,
  RECONNECT_MS_MIN,
  reconnectDelayMs,
  type SseEvent,
  SseParser,
} from '../../../web/workshop/liveStream.ts';

describe('the live stream', () => {
  it('parses events split anywhere across chunks, skipping retry, id and comment lines', () => {
    const p = new SseParser();
    expect(p.push('retry: 2000\n\n: ping\n\nid: 3\nevent: broad')).toEqual([]);
    expect(p.push('cast\ndata: {"id":3}\n')).toEqual([]);
    expect(p.push('\nevent: dashboard\r\ndata: {"a":1}\r\n\r\n')).toEqual([
      { event: 'broadcast', data: '{"id":3}' },
      { event: 'dashboard', data: '{"a":1}' },
    ]);
  });

  it('joins multi-line data and names an unnamed event "message"', () => {
    expect(new SseParser().push('data: a\ndata: b\n\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('waits longer after each failure, within bounds, from half to all of the doubled wait', () => {
    const most = () => 0.999999;
    const least = () => 0;
    expect(reconnectDelayMs(1, most)).toBe(RECONNECT_MS_MIN);
    expect(reconnectDelayMs(1, least)).toBe(RECONNECT_MS_MIN / 2);
    expect(reconnectDelayMs(2, most)).toBe(2 * RECONNECT_MS_MIN);
    expect(reconnectDelayMs(2, least)).toBe(RECONNECT_MS_MIN);
    expect(reconnectDelayMs(50, most)).toBe(RECONNECT_MS_MAX);
    expect(reconnectDelayMs(50, least)).toBe(RECONNECT_MS_MAX / 2);
  });

  it('spreads a room that lost its server at the same moment', () => {
    // Two hundred streams cut by one restart: their first reconnects do not all coincide.
    const waits = new Set(Array.from({ length: 200 }, () => reconnectDelayMs(1)));
    expect(waits.size).toBeGreaterThan(100);
    for (const ms of waits) expect(ms).toBeGreaterThanOrEqual(RECONNECT_MS_MIN / 2);
  });
});

describe('the live stream, over fetch', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends the token in a header, reconnects after a drop, and stops for good when the token is refused', async () => {
    const headers: string[] = [];
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      urls.push(url);
      headers.push((init.headers as Record<string, string>).authorization);
      if (urls.length === 3) return Response.json({ message: 'this token is not the host of this room' }, { status: 401 });
      // A stream that sends one snapshot and then ends, as a server restart would.
      return new Response(`retry: 2000\n\nevent: dashboard\ndata: {"n":${urls.length}}\n\n`, {
        headers: { 'content-type': 'text/event-stream' },
      });
    });
    const events: SseEvent[] = [];
    const statuses: string[] = [];
    let refused!: () => void;
    const done = new Promise<void>((resolve) => {
      refused = resolve;
    });
    const close = openLiveStream({
      path: '/api/rooms/K7QXM2/dashboard/events',
      token: 'secret',
      onEvent: (e) => events.push(e),
      onStatus: (s, message) => {
        statuses.push(message ? `${s}: ${message}` : s);
        if (s === 'refused') refused();
      },
    });
    await done;
    close();
    expect(urls.every((u) => !u.includes('secret'))).toBe(true);
    expect(headers).toEqual(['Bearer secret', 'Bearer secret', 'Bearer secret']);
    expect(events).toEqual([
      { event: 'dashboard', data: '{"n":1}' },
      { event: 'dashboard', data: '{"n":2}' },
    ]);
    expect(statuses[0]).toBe('connecting');
    expect(statuses).toContain('live');
    expect(statuses.at(-1)).toBe('refused: this token is not the host of this room');
  });

  it('stops reconnecting once closed', async () => {
    let calls = 0;
    vi.stubGlobal('fetch', async () => {
      calls++;
      throw new TypeError('Failed to fetch');
    });
    const statuses: string[] = [];
    const close = openLiveStream({ path: '/x', token: 't', onEvent: () => {}, onStatus: (s) => statuses.push(s) });
    await new Promise((r) => setTimeout(r, 50));
    close();
    await new Promise((r) => setTimeout(r, RECONNECT_MS_MIN + 200));
    expect(calls).toBe(1);
    expect(statuses).toEqual(['connecting', 'reconnecting']);
  });
});
