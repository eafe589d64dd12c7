/**
 * An answer with a status and one plain sentence. Handlers and hooks throw it; the error
 * handler (app.ts) sends it as `{ statusCode, error, message }` like Fastify's own errors.
 */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** Seconds to wait, for a 429 or a 503. */
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
