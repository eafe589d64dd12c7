/**
 * Hash routes, so the lab works from any static file server: `#/` is the catalog,
 * `#/s/<id>` a scenario, `#/share/<payload>` a share link (turned into `#/s/<id>` once read),
 * `#/interview/<payload>` a candidate's interview round, `#/interviewer` the form that makes one.
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
  | { kind: 'interviewer' };

export function parseRoute(hash: string): Route {
  if (hash.startsWith(SHARE_PREFIX)) return { kind: 'share', payload: hash.slice(SHARE_PREFIX.length) };
  if (hash.startsWith(INTERVIEW_PREFIX)) return { kind: 'interview', payload: hash.slice(INTERVIEW_PREFIX.length) };
  if (/^#\/interviewer\/?$/.test(hash)) return { kind: 'interviewer' };
  const m = /^#\/s\/([\w.-]+)\/?$/.exec(hash);
  if (m) return { kind: 'scenario', id: decodeURIComponent(m[1]) };
  return { kind: 'catalog' };
}

export function scenarioHref(id: string): string {
  return `#/s/${encodeURIComponent(id)}`;
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
