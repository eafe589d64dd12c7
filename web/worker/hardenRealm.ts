/**
 * Narrows what the worker's own global scope offers, before any user code runs: defence in
 * depth behind the compartment. The service is evaluated in an SES compartment whose global
 * holds only the simulated globals (see runner/sandbox/evaluate.ts), so it never sees this
 * scope; should anything ever hand it over, this scope still has no way out: no connection
 * leaves this origin, nothing persists or talks to other pages, and only the lab (not user
 * code) can post messages to the page.
 *
 * `lockdown()` (run by the runner before the first service) freezes the intrinsics but not
 * this global object, so what is set here stays in place, and `withWorkerConstructor` keeps
 * working after it.
 */

type Post = (message: unknown) => void;

export interface HardenedRealm {
  /** Posts to the page: only the lab can, user code cannot. */
  post: Post;
  /**
   * Runs `start` with the realm's `Worker` back in place, for the lab's own nested worker (the
   * compiler's, started once the lab is idle). `start` must create its worker synchronously:
   * no user code can run before `Worker` is removed again. The lab calls it at most once, when
   * esbuild starts.
   */
  withWorkerConstructor<T>(start: () => T): T;
}

/**
 * Ways out of the sandbox that neither the compiler nor the database use: network
 * connections, nested workers (which would get a fresh, unnarrowed scope), channels to other
 * pages, the origin's persistent storage, fonts (a `FontFace` fetches its URL), and this
 * worker's own end (`close()` would look like a crash).
 */
const REMOVED_GLOBALS = [
  'XMLHttpRequest',
  'WebSocket',
  'WebSocketStream',
  'EventSource',
  'WebTransport',
  'Worker',
  'SharedWorker',
  'BroadcastChannel',
  'indexedDB',
  'caches',
  'FontFace',
  'fonts',
  'importScripts',
  'close',
] as const;

/**
 * The same on `navigator`: the origin private file system (`storage.getDirectory()`), locks
 * shared with every page of the origin (a channel between them), and devices and the GPU.
 */
const REMOVED_NAVIGATOR = ['storage', 'locks', 'permissions', 'usb', 'serial', 'hid', 'gpu'] as const;

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
  for (const name of REMOVED_NAVIGATOR) define(scope.navigator, name, undefined);

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
