/**
 * The workshop API as the lab calls it (server/ and the README's "Workshops"): same origin,
 * JSON, tokens in the Authorization header and never in a URL. Only a page that has joined a
 * room, or a host's page, ever calls it: the static lab makes no workshop request.
 */

import type { Broadcast, Dashboard, Learner, LearnerProgress, Room, RunReport, TrackStep } from '../../server/store/workshop-store.ts';

// The server's own types: one definition of what the API carries, checked on both sides.
export type {
  Broadcast,
  Dashboard,
  FindingCount,
  Learner,
  LearnerRow,
  Room,
  RunReport,
  ScenarioProgress,
  TrackStep,
} from '../../server/store/workshop-store.ts';

/** `GET /api/rooms/:code/me`: the learner's progress, their room and its recent broadcasts. */
export interface MyProgress extends LearnerProgress {
  room: Room;
  broadcasts: Broadcast[];
  /** The server's clock when it answered: time boxes are counted on it, not on the laptop's. */
  atMs: number;
}

/** A request the server refused or could not answer; `status` 0 means no answer at all. */
export class WorkshopApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /** Worth sending again later: no answer, a server error, or a rate limit. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** What a person is told when no workshop server answered: the static lab has none. */
export const NO_SERVER = 'No workshop server answered. Workshops need the lab served by “tailspin serve”; the lab itself works without it.';
/** No answer at all from a server that was there: the network, most often. */
export const NO_ANSWER = 'No workshop server answered: check that this computer is online and the server still runs.';

export async function apiCall<T>(
  method: string,
  path: string,
  init: { token?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
      cache: 'no-store',
    });
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new WorkshopApiError(0, NO_ANSWER);
  }
  const type = res.headers.get('content-type') ?? '';
  // A static file server answers an unknown path with the lab's page or a 404 page, not JSON.
  if (!type.includes('application/json')) {
    if (res.ok && path.includes('/export.')) return (await res.text()) as T;
    throw new WorkshopApiError(
      res.status === 404 || res.ok ? 0 : res.status,
      res.status >= 500 ? `The workshop server failed (${res.status}).` : NO_SERVER,
    );
  }
  const body: unknown = await res.json();
  if (!res.ok) {
    const message = typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : `HTTP ${res.status}`;
    throw new WorkshopApiError(res.status, message);
  }
  return body as T;
}

const room = (code: string) => `/api/rooms/${encodeURIComponent(code)}`;

export const workshopApi = {
  createRoom: (name: string, track: TrackStep[]) =>
    apiCall<{ room: Room; hostToken: string }>('POST', '/api/rooms', { body: { name, track } }),
  join: (code: string, name: string) =>
    apiCall<{ learnerToken: string; resumed: boolean; learner: Learner; room: Room }>('POST', `${room(code)}/learners`, { body: { name } }),
  me: (code: string, token: string) => apiCall<MyProgress>('GET', `${room(code)}/me`, { token }),
  report: (code: string, token: string, report: RunReport) =>
    apiCall<{ runId: string; receivedAtMs: number; repeated: boolean }>('POST', `${room(code)}/runs`, { token, body: report }),
  hand: (code: string, token: string, raised: boolean) =>
    apiCall<{ handRaised: boolean }>('PUT', `${room(code)}/hand`, { token, body: { raised } }),
  dashboard: (code: string, token: string) => apiCall<Dashboard>('GET', `${room(code)}/dashboard`, { token }),
  broadcast: (code: string, token: string, kind: Broadcast['kind'], text: string) =>
    apiCall<Broadcast>('POST', `${room(code)}/broadcasts`, { token, body: { kind, text } }),
  /** Closes the room for good; closing it again answers with the first close's time. */
  closeRoom: (code: string, token: string) => apiCall<{ room: Room }>('POST', `${room(code)}/close`, { token }),
  /** The export's text: CSV, or JSON as sent (kept byte for byte for the download). */
  exportText: async (code: string, token: string, kind: 'csv' | 'json'): Promise<string> => {
    const out = await apiCall<unknown>('GET', `${room(code)}/export.${kind}`, { token });
    return typeof out === 'string' ? out : JSON.stringify(out, null, 2);
  },
  eventsPath: (code: string) => `${room(code)}/events`,
  dashboardEventsPath: (code: string) => `${room(code)}/dashboard/events`,
};
