/**
 * Fastify's request hooks and how they run. A hook takes `done` (callback style) or returns
 * a promise (async style); either way the next one starts only when it has finished, and the
 * first error ends the chain, as in fastify/lib/hooks.js. Hooks are the service's code: they
 * run on the simulated main thread and are charged CPU like handlers.
 */

/** The request hooks the lab runs, in the order of Fastify's lifecycle. */
export const REQUEST_HOOKS = [
  'onRequest',
  'preValidation',
  'preHandler',
  'preSerialization',
  'onSend',
  'onResponse',
  'onError',
  'onTimeout',
] as const;

export type RequestHookName = (typeof REQUEST_HOOKS)[number];

export type HookFn = (...args: unknown[]) => unknown;

/** One list per request hook, in registration order. */
export type HookLists = Record<RequestHookName, HookFn[]>;

/** Fastify's application hooks for shutdown: accepted, never run, because a run never closes the server. */
export const CLOSE_HOOKS: readonly string[] = ['onClose', 'preClose'];

/** Fastify hooks the lab refuses, with the reason and what to use instead. */
export const REFUSED_HOOKS: Readonly<Record<string, string>> = {
  preParsing: 'the lab hands the handler a parsed body and has no request stream; use preValidation or preHandler',
  onRequestAbort: "the lab's clients give up without a hang-up the server sees; bound slow work with AbortSignal.timeout(...)",
  onReady: 'the lab starts the server itself; do start-up work in the routes function before registering routes',
  onListen: 'the lab starts the server itself; do start-up work in the routes function before registering routes',
  onRoute: 'register route options directly on each route',
  onRegister: 'pass what a plugin needs in its options: app.register(plugin, { ... })',
};

/** Empty lists for every request hook. */
export function emptyHookLists(): HookLists {
  const lists = {} as HookLists;
  for (const name of REQUEST_HOOKS) lists[name] = [];
  return lists;
}

/** Arguments a hook takes before `done`, by hook: onSend, preSerialization and onError get a third. */
function takesValue(name: RequestHookName): boolean {
  return name === 'onSend' || name === 'preSerialization' || name === 'onError';
}

/**
 * Runs `hooks` in order. onSend and preSerialization may replace the payload: `done(null, p)`
 * or an async hook resolving to something other than undefined. `stop` is asked before each
 * hook (a hook that sent the reply ends the chain); `end` is called once with the first error,
 * or none, and the payload.
 */
export function runHooks(
  name: RequestHookName,
  hooks: readonly HookFn[],
  self: unknown,
  request: unknown,
  reply: unknown,
  value: unknown,
  stop: () => boolean,
  end: (err: unknown, value: unknown) => void,
): void {
  const withValue = takesValue(name);
  const replaces = name === 'onSend' || name === 'preSerialization';
  let i = 0;
  let ended = false;
  const finish = (err: unknown): void => {
    if (ended) return;
    ended = true;
    end(err, value);
  };
  const next = (): void => {
    if (ended) return;
    if (i === hooks.length || stop()) return finish(undefined);
    const hook = hooks[i++];
    let called = false;
    const done = (err?: unknown, replacement?: unknown): void => {
      if (called) return; // Fastify ignores a second done() as well
      called = true;
      if (err !== undefined && err !== null) return finish(err);
      if (replaces && replacement !== undefined) value = replacement;
      next();
    };
    let result: unknown;
    try {
      result = withValue ? hook.call(self, request, reply, value, done) : hook.call(self, request, reply, done);
    } catch (err) {
      return finish(err);
    }
    if (isThenable(result)) {
      result.then(
        (v) => done(undefined, v),
        (err) => done(err ?? new Error(`An ${name} hook rejected without an error.`)),
      );
    } else if (!called && hook.length < (withValue ? 4 : 3)) {
      // Fastify would wait for ever: the hook takes no `done` and returned no promise.
      done(new Error(`An ${name} hook neither takes done() nor returns a promise: make it async, or call done().`));
    }
  };
  next();
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}
