/**
 * Narrows what the worker's own global scope offers, before any user code runs. The runner
 * gives user code simulated globals by name, but the real worker scope is still reachable
 * (`self`, `globalThis`'s prototype), so here: no connection leaves this origin, and only the
 * lab (not user code) can post messages to the page.
 */

type Post = (message: unknown) => void;

export interface HardenedRealm {
  /** Posts to the page: only the lab can, user code cannot. */
  post: Post;
  /**
   * Runs `start` with the realm's `Worker` back in place, for the lab's own nested worker (the
   * compiler's, started once the lab is idle). `start` must create its worker synchronously:
   * no user code can run before `Worker` is removed again. The lab calls it at most once, when
   * esbuild starts, which is always before any code but the build's own precompiled starters
   * and solutions has run (any other code needs esbuild to compile it), so no earlier user
   * code can have tampered with what esbuild uses to make its worker.
   */
  withWorkerConstructor<T>(start: () => T): T;
}

/**
 * Ways out of the sandbox that neither the compiler nor the database use: network
 * connections, nested workers (which would get a fresh, unnarrowed scope), channels to other
 * pages, and the origin's persistent storage.
 */
const REMOVED_GLOBALS = [
  'XMLHttpRequest',
  'WebSocket',
  'EventSource',
  'WebTransport',
  'Worker',
  'SharedWorker',
  'BroadcastChannel',
  'indexedDB',
  'caches',
] as const;

export function hardenRealm(): HardenedRealm {
  const scope = self as unknown as Record<string, unknown> & typeof globalThis;
  const post: Post = scope.postMessage.bind(scope) as Post;
  const RealWorker = scope.Worker;
  const origin = scope.location.origin;

  // Same-origin fetches stay: the compiler and the database load their wasm with them.
  const realFetch = scope.fetch.bind(scope);
  const sameOriginFetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input), scope.location.href);
    if (url.origin !== origin) return Promise.reject(new TypeError('Network access is disabled in the lab.'));
    return realFetch(input, init);
  };
  define(scope, 'fetch', sameOriginFetch);
  for (const name of REMOVED_GLOBALS) define(scope, name, undefined);
  define(scope, 'postMessage', () => {
    throw new TypeError('postMessage is not available to the service.');
  });

  // Shadow accessor globals with plain data properties of the same value, so code that builds
  // a scope object on top of this one (`Object.create(globalThis)`) can assign over them;
  // assigning through the prototype would call the accessor on the wrong object and throw.
  for (const name of ['performance', 'crypto', 'navigator', 'location', 'origin', 'self']) {
    if (name in scope) define(scope, name, scope[name]);
  }
  return {
    post,
    withWorkerConstructor(start) {
      define(scope, 'Worker', RealWorker);
      try {
        return start();
      } finally {
        define(scope, 'Worker', undefined);
      }
    },
  };
}

function define(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
}
