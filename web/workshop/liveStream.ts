/**
 * Server-Sent Events read with `fetch`, since `EventSource` cannot send the Authorization
 * header and a token in the URL would end up in logs. The stream reconnects after a drop
 * (the server sends a fresh snapshot on connect, so nothing is lost), waiting a little
 * longer after each failure in a row, up to RECONNECT_MS_MAX.
 */
import { jitteredBackoffMs } from './backoff.ts';

export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Splits a stream's text into events. Feed it chunks as they come; it keeps the unfinished
 * tail. Comments (`: ping`), `id:` and `retry:` lines are not needed by the lab and are skipped.
 */
export class SseParser {
  #buffer = '';

  push(chunk: string): SseEvent[] {
    this.#buffer += chunk.replace(/\r\n?/g, '\n');
    const events: SseEvent[] = [];
    let end = this.#buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) events.push({ event, data: data.join('\n') });
      end = this.#buffer.indexOf('\n\n');
    }
    return events;
  }
}

/**
 * Later than a report's first retry (ReportQueue.ts): after a restart the streams of the whole
 * room come back, each asking for a snapshot, and the reports that met the restart should be
 * kept before them; a stream that reconnects a second later loses nothing (it gets a fresh
 * snapshot).
 */
export const RECONNECT_MS_MIN = 2000;
export const RECONNECT_MS_MAX = 15_000;

/**
 * The wait before reconnecting after `failures` failed attempts in a row, from half to all of
 * the doubled wait: a restart drops every stream of the room at once, and without the random
 * half they would all come back together (backoff.ts).
 */
export function reconnectDelayMs(failures: number, random: () => number = Math.random): number {
  return jitteredBackoffMs(failures, RECONNECT_MS_MIN, RECONNECT_MS_MAX, random);
}

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface LiveStreamOptions {
  path: string;
  token: string;
  onEvent(e: SseEvent): void;
  onStatus(status: StreamStatus, message?: string): void;
  /** Draws the random part of each reconnect's wait, from [0, 1); Math.random when not given. */
  random?: () => number;
}

/** Opens the stream and keeps it open until the returned function is called. */
export function openLiveStream(options: LiveStreamOptions): () => void {
  const abort = new AbortController();
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = async (): Promise<void> => {
    options.onStatus(failures === 0 ? 'connecting' : 'reconnecting');
    let message = 'The live connection dropped; reconnecting…';
    try {
      const res = await fetch(options.path, {
        headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' },
        cache: 'no-store',
        signal: abort.signal,
      });
      if (res.status === 401 || res.status === 403) {
        // A wrong token stays wrong: asking again would only fill the server's log.
        const body = await res.json().catch(() => null);
        options.onStatus('refused', body?.message ?? `refused (${res.status})`);
        return;
      }
      if (!res.ok || !res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
        message =
          res.status === 404 || res.ok ? 'No workshop server answered; trying again…' : `The server answered ${res.status}; trying again…`;
        throw new Error(message);
      }
      failures = 0;
      options.onStatus('live');
      const parser = new SseParser();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const e of parser.push(value)) options.onEvent(e);
      }
    } catch {
      if (abort.signal.aborted) return;
    }
    if (abort.signal.aborted) return;
    failures++;
    options.onStatus('reconnecting', message);
    timer = setTimeout(() => void connect(), reconnectDelayMs(failures, options.random));
  };

  void connect();
  return () => {
    abort.abort();
    clearTimeout(timer);
  };
}
