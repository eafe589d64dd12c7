/**
 * Hash routes, so the lab works from any static file server: `#/` is the catalog,
 * `#/s/<id>` a scenario, `#/share/<payload>` a share link (turned into `#/s/<id>` once read).
 */
import { useSyncExternalStore } from 'react';
import { SHARE_PREFIX } from '../share/shareLink.ts';

export type Route = { kind: 'catalog' } | { kind: 'scenario'; id: string } | { kind: 'share'; payload: string };

export function parseRoute(hash: string): Route {
  if (hash.startsWith(SHARE_PREFIX)) return { kind: 'share', payload: hash.slice(SHARE_PREFIX.length) };
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
