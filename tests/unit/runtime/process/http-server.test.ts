/**
 * The Fastify app against Fastify's documented lifecycle (Reference/Lifecycle.md, Hooks.md,
 * Server.md, Decorators.md, Plugins.md): hook order in both styles, replies sent from hooks,
 * onSend replacing the payload, onResponse after the write, onError before the error
 * handlers, error handlers passing outwards, not-found handlers, decorators, plugins with
 * nested prefixes and their encapsulation, route options, and the refusals.
 *
 * Handlers and hooks here are host functions; an "async" one returns the platform's Promise,
 * as compiled service code does, so every step runs in the simulator's own job queue.
 */
import { describe, expect, it } from 'vitest';
import { REFUSED_HOOKS } from '../../../../runner/runtime/process/fastify-hooks.ts';
import { REFUSED_METHODS } from '../../../../runner/runtime/process/fastify-scope.ts';
import { HttpServer, type ServerReply } from '../../../../runner/runtime/process/http-server.ts';
import { testPlatform } from '../../../helpers/test-platform.ts';

type Fn = (...args: any[]) => any;
type App = Record<string, Fn> & { prefix: string };

function setup(connectionTimeoutMs = 0) {
  const t = testPlatform();
  const server = new HttpServer(t.p, 0, connectionTimeoutMs);
  const log: string[] = [];
  /** An async function as compiled service code makes one: it returns the platform's Promise. */
  const later = <T>(fn: () => T) => t.p.Promise.resolve().then(fn);
  const boot = (routes: (app: App) => unknown) => {
    let failed: unknown;
    // As loadService does: the routes function runs as a main-thread task.
    t.p.loop.runNow(() => {
      try {
        const result = server.boot(routes as (app: unknown) => unknown) as PromiseLike<unknown> | undefined;
        result?.then?.(undefined, (e) => {
          failed = e;
        });
      } catch (err) {
        failed = err;
      }
    });
    t.run();
    if (failed) throw failed;
  };
  const send = (method: string, path: string, body?: unknown, atMs = 0): ServerReply & { atMs: number } => {
    let answer: (ServerReply & { atMs: number }) | undefined;
    server.handle({ method, path, body }, atMs, {}, (reply, at) => {
      log.push('written');
      answer = { ...reply, atMs: at };
    });
    t.run();
    if (!answer) throw new Error(`${method} ${path} was never answered`);
    return answer;
  };
  return { t, server, log, later, boot, send, P: t.p.Promise };
}

describe('hooks run in the order of Fastify’s lifecycle', () => {
  it('onRequest, preValidation, preHandler, handler, preSerialization, onSend, the write, onResponse', () => {
    const { log, later, boot, send } = setup();
    boot((app) => {
      app.addHook('onRequest', (_req: unknown, _reply: unknown, done: Fn) => {
        log.push('onRequest (done)');
        done();
      });
      app.addHook('onRequest', () => later(() => log.push('onRequest (async)')));
      app.addHook('preValidation', () => later(() => log.push('preValidation')));
      app.addHook('preHandler', (_req: unknown, _reply: unknown, done: Fn) => {
        log.push('preHandler');
        done();
      });
      app.addHook('preSerialization', (_r: unknown, _p: unknown, payload: object, done: Fn) => {
        log.push('preSerialization');
        done(null, { ...payload, serialized: true });
      });
      app.addHook('onSend', (_r: unknown, _p: unknown, payload: string) =>
        later(() => {
          log.push(`onSend ${payload}`);
        }),
      );
      app.addHook('onResponse', () => later(() => log.push('onResponse')));
      app.get('/a', () => later(() => (log.push('handler'), { a: 1 })));
    });
    const reply = send('GET', '/a');
    expect(log).toEqual([
      'onRequest (done)',
      'onRequest (async)',
      'preValidation',
      'preHandler',
      'handler',
      'preSerialization',
      'onSend {"a":1,"serialized":true}',
      'written',
      'onResponse',
    ]);
    expect(reply).toMatchObject({ status: 200, json: '{"a":1,"serialized":true}' });
  });

  it('onSend may replace the payload, in either style; undefined keeps it', () => {
    const { later, boot, send } = setup();
    boot((app) => {
      app.addHook('onSend', (_r: unknown, _p: unknown, payload: string, done: Fn) => done(null, payload.replace('1', '2')));
      app.addHook('onSend', () => later(() => undefined));
      app.addHook('onSend', (_r: unknown, reply: { header: Fn }, payload: string) =>
        later(() => (reply.header('x-len', payload.length), `[${payload}]`)),
      );
      app.get('/a', () => ({ n: 1 }));
    });
    expect(send('GET', '/a')).toMatchObject({ status: 200, json: '[{"n":2}]' });
  });

  it('a hook that sends the reply ends the chain: no handler, but onSend and onResponse run', () => {
    const { log, later, boot, send } = setup();
    boot((app) => {
      app.addHook('onRequest', (_req: unknown, reply: { code: Fn }) =>
        later(() => {
          reply.code(401).send({ error: 'no token' });
          return reply;
        }),
      );
      app.addHook('preHandler', () => later(() => log.push('preHandler')));
      app.addHook('onSend', () =>
        later(() => {
          log.push('onSend');
        }),
      );
      app.addHook('onResponse', (_q: unknown, reply: { statusCode: number }, done: Fn) => {
        log.push(`onResponse ${reply.statusCode}`);
        done();
      });
      app.get('/a', () => log.push('handler'));
    });
    expect(send('GET', '/a')).toMatchObject({ status: 401, json: '{"error":"no token"}' });
    expect(log).toEqual(['onSend', 'written', 'onResponse 401']);
  });

  it('onResponse runs after the write, so what it does costs the client nothing', () => {
    const { t, log, boot, send } = setup();
    boot((app) => {
      app.addHook('onResponse', () => {
        t.p.loop.charge(30); // a slow cleanup
        log.push('onResponse');
        return t.p.Promise.resolve();
      });
      app.get('/a', () => ({ ok: true }));
    });
    const first = send('GET', '/a', undefined, 0);
    const second = send('GET', '/a', undefined, 10);
    expect(first.atMs).toBeLessThan(1);
    expect(second.atMs).toBeGreaterThanOrEqual(30); // the main thread was busy with the first cleanup
    expect(log).toEqual(['written', 'onResponse', 'written', 'onResponse']);
  });

  it('route-level hooks run after the instance’s, and an array runs in order', () => {
    const { log, boot, send } = setup();
    const mark = (name: string) => (_q: unknown, _r: unknown, done: Fn) => (log.push(name), done());
    boot((app) => {
      app.addHook('preHandler', mark('app'));
      app.get('/a', { preHandler: [mark('route 1'), mark('route 2')], schema: { params: {} } }, () => ({ ok: 1 }));
    });
    send('GET', '/a');
    expect(log).toEqual(['app', 'route 1', 'route 2', 'written']);
  });

  it('a hook that neither takes done nor returns a promise is an error, not a hang', () => {
    const { boot, send } = setup();
    boot((app) => {
      app.addHook('onRequest', (_req: unknown, _reply: unknown) => undefined);
      app.get('/a', () => ({ ok: 1 }));
    });
    expect(send('GET', '/a')).toMatchObject({ status: 500 });
  });
});

describe('errors', () => {
  it('onError hooks run before the error handler, which answers with the status already set', () => {
    const { log, later, boot, send, P } = setup();
    boot((app) => {
      app.addHook('onError', (_q: unknown, _r: unknown, err: Error, done: Fn) => {
        log.push(`onError ${err.message}`);
        done();
      });
      app.setErrorHandler((err: Error, _req: unknown, reply: { statusCode: number }) => {
        log.push(`errorHandler ${reply.statusCode}`);
        return later(() => ({ failed: err.message }));
      });
      app.addHook('preHandler', () => later(() => P.reject(Object.assign(new Error('teapot'), { statusCode: 418 }))));
      app.get('/a', () => log.push('handler'));
    });
    expect(send('GET', '/a')).toMatchObject({ status: 418, json: '{"failed":"teapot"}' });
    expect(log).toEqual(['onError teapot', 'errorHandler 418', 'written']);
  });

  it('an error handler that throws passes the error to the enclosing scope’s handler, then the default', () => {
    const { later, boot, send, P } = setup();
    boot((app) => {
      app.setErrorHandler((err: Error, _req: unknown, reply: { code: Fn }) => reply.code(503).send({ outer: err.message }));
      app.register((child: App, _opts: unknown, done: Fn) => {
        child.setErrorHandler((err: Error) => {
          throw new Error(`inner saw ${err.message}`);
        });
        child.get('/inner', () => later(() => P.reject(new Error('boom'))));
        done();
      });
      app.register((child: App) =>
        later(() => {
          child.setErrorHandler((err: Error) => later(() => P.reject(err)));
          child.get('/rethrown', () => {
            throw new Error('plain');
          });
        }),
      );
    });
    const inner = send('GET', '/inner');
    expect(inner).toMatchObject({ status: 503, json: '{"outer":"inner saw boom"}' });
    expect((inner.error as Error).message).toBe('boom'); // the first exception is the one reported
    expect(send('GET', '/rethrown')).toMatchObject({ status: 503, json: '{"outer":"plain"}' });
  });

  it('the default handler: statusCode of the error, else the reply’s 4xx, else 500 with the message hidden', () => {
    const { boot, send } = setup();
    boot((app) => {
      app.get('/client', () => {
        throw Object.assign(new Error('bad cart'), { statusCode: 422 });
      });
      app.get('/coded', (_req: unknown, reply: { code: Fn }) => {
        reply.code(409);
        throw new Error('conflict');
      });
      app.get('/server', () => {
        throw new Error('secret');
      });
      app.get('/sent-error', (_req: unknown, reply: { send: Fn }) => reply.send(new Error('sent')));
    });
    expect(send('GET', '/client')).toMatchObject({ status: 422, json: '{"error":"bad cart"}' });
    expect(send('GET', '/coded')).toMatchObject({ status: 409, json: '{"error":"conflict"}' });
    const server = send('GET', '/server');
    expect(server).toMatchObject({ status: 500, json: '{"error":"Internal Server Error"}' });
    expect((server.error as Error).message).toBe('secret');
    expect(send('GET', '/sent-error')).toMatchObject({ status: 500 });
  });

  it('an onResponse hook that throws leaves the reply as sent and is reported with the request', () => {
    const { t, server, boot } = setup();
    boot((app) => {
      app.addHook('onResponse', (_q: unknown, _r: unknown, done: Fn) => {
        done(new Error('release failed'));
      });
      app.get('/a', () => ({ ok: 1 }));
    });
    let written: ServerReply | undefined;
    server.handle({ method: 'GET', path: '/a' }, 0, {}, (reply) => {
      written = reply;
    });
    t.run();
    expect(written).toMatchObject({ status: 200, json: '{"ok":1}' });
    expect(written?.error).toMatchObject({ message: 'release failed' });
  });

  it('an onSend hook that fails on the error reply does not loop', () => {
    const { boot, send } = setup();
    boot((app) => {
      app.addHook('onSend', () => {
        throw new Error('onSend broke');
      });
      app.get('/a', () => ({ ok: 1 }));
    });
    expect(send('GET', '/a')).toMatchObject({ status: 500, json: '{"error":"Internal Server Error"}' });
  });
});

describe('not found', () => {
  it('the root’s hooks run for a 404; setNotFoundHandler answers it, per prefix', () => {
    const { log, boot, send } = setup();
    boot((app) => {
      app.addHook('onRequest', (req: { url: string }, _r: unknown, done: Fn) => (log.push(`onRequest ${req.url}`), done()));
      app.get('/a', () => ({ ok: 1 }));
      app.register(
        (api: App, _o: unknown, done: Fn) => {
          api.setNotFoundHandler((req: { url: string }, reply: { code: Fn }) => reply.code(404).send({ api: 'no such', url: req.url }));
          done();
        },
        { prefix: '/api' },
      );
    });
    expect(send('GET', '/nowhere')).toMatchObject({ status: 404, json: '{"error":"Not Found"}' });
    expect(send('GET', '/api/x')).toMatchObject({ status: 404, json: '{"api":"no such","url":"/api/x"}' });
    expect(log).toEqual(['onRequest /nowhere', 'written', 'onRequest /api/x', 'written']);
  });
});

describe('decorators', () => {
  it('decorate, decorateRequest and decorateReply, with getters, are seen by handlers and hooks', () => {
    const { boot, send } = setup();
    boot((app) => {
      app.decorate('config', { region: 'eu' });
      app.decorate('greet', function (this: { config: { region: string } }, name: string) {
        return `${name}@${this.config.region}`;
      });
      app.decorateRequest('user', null);
      app.decorateRequest('isAdmin', {
        getter(this: { user: string }) {
          return this.user === 'root';
        },
      });
      app.decorateReply('ok', function (this: { send: Fn }, v: unknown) {
        return this.send({ ok: v });
      });
      app.addHook('onRequest', (req: { user: string | null }, _r: unknown, done: Fn) => {
        req.user = 'root';
        done();
      });
      app.get('/a', function (this: App, req: { user: string; isAdmin: boolean }, reply: { ok: Fn }) {
        return reply.ok([this.greet(req.user), req.isAdmin]);
      });
      expect(app.hasDecorator('greet')).toBe(true);
      expect(app.hasRequestDecorator('user')).toBe(true);
      expect(app.hasReplyDecorator('nope')).toBe(false);
    });
    expect(send('GET', '/a')).toMatchObject({ status: 200, json: '{"ok":["root@eu",true]}' });
  });

  it('refuses a duplicate and an object shared by every request (Fastify 5)', () => {
    const { boot } = setup();
    boot((app) => {
      app.decorate('db', 1);
      expect(() => app.decorate('db', 2)).toThrow(/already present/);
      expect(() => app.decorateRequest('session', {})).toThrow(/share it across requests.*null.*onRequest hook/);
      app.decorateRequest('session', null);
      expect(() => app.decorateRequest('session', null)).toThrow(/already present/);
      app.get('/a', () => ({}));
    });
  });
});

describe('plugins', () => {
  it('prefixes nest; a child sees its parent’s hooks and decorators, the parent and siblings not the child’s', () => {
    const { server, log, later, boot, send } = setup();
    const mark = (name: string) => (req: { url: string }, _r: unknown, done: Fn) => (log.push(`${name} ${req.url}`), done());
    boot((app) => {
      app.addHook('onRequest', mark('root'));
      app.decorate('version', 'v1');
      // `await app.register(...)`, as compiled code runs it: the registration is thenable.
      const api = app.register(
        (api: App) =>
          later(() => {
            api.addHook('onRequest', mark('api'));
            api.get('/', (_req: unknown) => ({ at: api.prefix }));
            api.register(
              (users: App, opts: { table: string }, done: Fn) => {
                users.get('/:id', function (this: App, req: { params: { id: string }; routeOptions: { url: string } }) {
                  return { id: req.params.id, table: opts.table, version: this.version, route: req.routeOptions.url };
                });
                done();
              },
              { prefix: '/users', table: 'users' },
            );
          }),
        { prefix: '/api/' },
      ) as unknown as PromiseLike<void>;
      return api.then(() =>
        app.register((other: App, _o: unknown, done: Fn) => {
          other.get('/other', () => ({ other: true }));
          done();
        }),
      );
    });
    expect(server.routeKeys()).toEqual(['GET /api', 'GET /api/users/:id', 'GET /other']);
    expect(send('GET', '/api')).toMatchObject({ json: '{"at":"/api"}' });
    expect(send('GET', '/api/users/7')).toMatchObject({ json: '{"id":"7","table":"users","version":"v1","route":"/api/users/:id"}' });
    expect(send('GET', '/other')).toMatchObject({ json: '{"other":true}' });
    expect(log).toEqual(['root /api', 'api /api', 'written', 'root /api/users/7', 'api /api/users/7', 'written', 'root /other', 'written']);
  });

  it('a plugin marked skip-override (fastify-plugin) shares its parent’s scope', () => {
    const { log, boot, send } = setup();
    const shared = Object.assign(
      (app: App, _o: unknown, done: Fn) => {
        app.addHook('onRequest', (_q: unknown, _r: unknown, next: Fn) => (log.push('shared hook'), next()));
        done();
      },
      { [Symbol.for('skip-override')]: true },
    );
    boot((app) => {
      app.register(shared);
      app.get('/a', () => ({}));
    });
    send('GET', '/a');
    expect(log).toEqual(['shared hook', 'written']);
  });

  it('the server waits for plugins that load later, and a plugin’s failure fails the start', () => {
    const { t, server, boot } = setup();
    boot((app) => {
      app.register((api: App) => {
        return new t.p.Promise<void>((resolve) =>
          t.p.kernel.at(5, () => {
            api.get('/late', () => ({}));
            resolve();
          }),
        );
      });
    });
    expect(server.routeKeys()).toEqual(['GET /late']);
    const failing = setup();
    expect(() =>
      failing.boot((app) => {
        app.register(() => failing.later(() => failing.P.reject(new Error('no database'))));
      }),
    ).toThrow('no database');
  });
});

describe('what the lab refuses, at first call', () => {
  it('names the API and what to use instead', () => {
    const { boot, send } = setup();
    boot((app) => {
      expect(() => app.listen({ port: 3000 })).toThrow(/app.listen is not supported in this lab/);
      expect(() => app.addContentTypeParser('text/csv', () => undefined)).toThrow(/addContentTypeParser/);
      expect(() => app.addHook('preParsing', () => undefined)).toThrow(/preParsing hook is not supported.*preHandler/);
      expect(() => app.addHook('onRequestAbort', () => undefined)).toThrow(/onRequestAbort/);
      expect(() => app.addHook('onTimeout', () => undefined)).toThrow(/connectionTimeout/);
      expect(() => app.addHook('onReqest', () => undefined)).toThrow(/not a Fastify hook/);
      expect(() => app.get('/v', { constraints: { version: '1' } }, () => ({}))).toThrow(/route option 'constraints'/);
      app.addHook('onClose', () => undefined); // accepted: a run never closes the server
      app.get('/hijack', (_req: unknown, reply: { hijack: Fn }) => reply.hijack());
    });
    const hijacked = send('GET', '/hijack');
    expect(hijacked.status).toBe(500);
    expect((hijacked.error as Error).message).toMatch(/reply.hijack is not supported/);
  });

  it('every refused app method and hook, walked whole from its table', () => {
    const { boot } = setup();
    boot((app) => {
      for (const [name, instead] of Object.entries(REFUSED_METHODS)) {
        expect(() => app[name](), name).toThrow(`app.${name} is not supported in this lab; ${instead}.`);
      }
      for (const [name, instead] of Object.entries(REFUSED_HOOKS)) {
        expect(() => app.addHook(name, () => undefined), name).toThrow(`The ${name} hook is not supported in this lab: ${instead}.`);
      }
      app.get('/a', () => ({}));
    });
    expect(Object.keys(REFUSED_METHODS)).toContain('listen');
    expect(Object.keys(REFUSED_HOOKS)).toContain('onRequestAbort');
  });

  it('changing the app once requests are served is refused, as Fastify refuses it after listen', () => {
    let held: App | undefined;
    const { boot, send } = setup();
    boot((app) => {
      held = app;
      app.get('/a', () => ({}));
    });
    send('GET', '/a');
    expect(() => held!.addHook('onRequest', () => undefined)).toThrow(/once the server has started/);
    expect(() => held!.get('/b', () => ({}))).toThrow(/once the server has started/);
  });
});

describe('onTimeout, with a connectionTimeout', () => {
  it('hangs up a request still unanswered after connectionTimeout: onTimeout runs, the late reply never arrives', () => {
    const { t, server, log, boot } = setup(1000);
    boot((app) => {
      app.addHook(
        'onTimeout',
        (req: { url: string }, _r: unknown, done: Fn) => (log.push(`onTimeout ${req.url} at ${t.p.loop.now()}`), done()),
      );
      app.addHook('onResponse', (_q: unknown, _r: unknown, done: Fn) => (log.push('onResponse'), done()));
      app.get('/slow', () => new t.p.Promise((resolve) => t.p.kernel.at(3000, () => resolve({ late: true }))));
      app.get('/fast', () => ({ fast: true }));
    });
    const answers: number[] = [];
    server.handle({ method: 'GET', path: '/slow' }, 0, {}, () => answers.push(0));
    server.handle({ method: 'GET', path: '/fast' }, 0, {}, () => answers.push(1));
    t.run();
    expect(answers).toEqual([1]);
    expect(log).toEqual(['onResponse', 'onTimeout /slow at 1000']);
  });
});
