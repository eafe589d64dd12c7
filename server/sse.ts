/**
 * One Server-Sent Events stream, written on the raw response: a few lines of protocol do not
 * need a plugin. A comment line every `heartbeatMs` keeps proxies from closing a quiet stream
 * and lets the server notice a listener that has gone. A listener that stops reading is cut
 * off once MAX_BUFFERED_BYTES wait for it, rather than held in memory; its client reconnects
 * and gets a fresh snapshot.
 */
import type { FastifyReply } from 'fastify';

const MAX_BUFFERED_BYTES = 1024 * 1024;
/** How long a browser waits before reconnecting after the stream ends. */
const RETRY_MS = 2000;

export class SseStream {
  #closed = false;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #onClose: (() => void)[] = [];

  constructor(
    private readonly reply: FastifyReply,
    heartbeatMs: number,
  ) {
    // Fastify lets go of the reply: from here on the stream is written by hand.
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx buffers responses by default, which would hold events back.
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: ${RETRY_MS}\n\n`);
    this.#heartbeat = setInterval(() => this.#write(': ping\n\n'), heartbeatMs);
    raw.on('close', () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one event; its data is JSON, which never holds a raw newline. */
  send(event: string, data: unknown, id?: number): void {
    this.#write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  onClose(fn: () => void): void {
    if (this.#closed) fn();
    else this.#onClose.push(fn);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.reply.raw.end();
    for (const fn of this.#onClose.splice(0)) fn();
  }

  #write(text: string): void {
    if (this.#closed) return;
    if (this.reply.raw.writableLength > MAX_BUFFERED_BYTES) {
      this.close();
      return;
    }
    this.reply.raw.write(text);
  }
}
