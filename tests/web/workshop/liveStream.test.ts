/** Server-Sent Events read from fetch: events split across chunks, comments skipped, reconnect delays bounded. */
import { describe, expect, it } from 'vitest';
import { RECONNECT_MS_MAX, RECONNECT_MS_MIN, reconnectDelayMs, SseParser } from '../../../web/workshop/liveStream.ts';

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

  it('waits longer after each failure, within bounds', () => {
    expect(reconnectDelayMs(1)).toBe(RECONNECT_MS_MIN);
    expect(reconnectDelayMs(2)).toBe(2 * RECONNECT_MS_MIN);
    expect(reconnectDelayMs(50)).toBe(RECONNECT_MS_MAX);
  });
});
