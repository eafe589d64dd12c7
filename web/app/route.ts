/**
 * Hash routes, so the lab works from any static file server: `#/` is the catalog,
 * `#/s/<id>` a scenario, `#/share/<payload>` a share link (turned into `#/s/<id>` once read),
 * `#/interview/<payload>` a candidate's interview round, `#/interviewer` the form that makes one,
 * `#/workshop/new` the host's form that makes a workshop room, `#/workshop/<code>` a room's join
 * page (`#/workshop` asks for the code) and `#/workshop/<code>/host` its host dashboard.
 */
import { useSyncExternalStore } from 'react';
import { SHARE_PREFIX } from '../share/shareLink.ts';
import { INTERVIEW_PREFIX } from '../../runner/interview/index.ts';

export type Route =
  | { kind: 'catalog' }
  | { kind: 'scenario'; id: string }
  | { kind: 'share'; payload: string }
  /** A candidate's round, its settings in the link. */
  | { kind: 'interview'; payload: string }
  /** The interviewer's form that makes a round's link. */
  | { kind: 'interviewer' }
  /** The host's form that makes a workshop room. */
  | { kind: 'workshopNew' }
  /** A learner joins a room; an empty code asks for one. */
  | { kind: 'workshopJoin'; code: string }
  /** The host's live dashboard of a room (the token is in this browser's storage, never in the link). */
  | { kind: 'workshopHost'; code: string };

export function parseRoute(hash: string): Route {
  if (hash.startsWith(SHARE_PREFIX)) return { kind: 'share', payload: hash.slice(SHARE_PREFIX.length) };
  if (hash.startsWith(INTERVIEW_PREFIX)) return { kind: 'interview', payload: hash.slice(INTERVIEW_PREFIX.length) };
  if (/^#\/interviewer\/?$/.test(hash)) return { kind: 'interviewer' };
  if (/^#\/workshop\/new\/?$/.test(hash)) return { kind: 'workshopNew' };
  const w = /^#\/workshop(?:\/([A-Za-z0-9]{1,12})(\/host)?)?\/?$/.exec(hash);
  if (w) {
    const code = (w[1] ?? '').toUpperCase();
    return w[2] ? { kind: 'workshopHost', code } : { kind: 'workshopJoin', code };
  }
  const m = /^#\/s\/([\w.-]+)\/?$/.exec(hash);
  if (m) return { kind: 'scenario', id: decodeURIComponent(m[1]) };
  return { kind: 'catalog' };
}

export function scenarioHref(id: string): string {
  return `#/s/${encodeURIComponent(id)}`;
}

export function workshopJoinHref(code: string): string {
  return `#/workshop/${encodeURIComponent(code)}`;
}

export function workshopHostHref(code: string): string {
  return `#/workshop/${encodeURIComponent(code)}/host`;
}

/** Changes the route without adding a history entry (used after reading a share link). */
export function replaceRoute(hash: string): void {
  history.replaceState(null, '', hash === '#/' ? location.pathname + location.search : hash);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => location.hash);
}
