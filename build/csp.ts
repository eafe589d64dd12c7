/**
 * The lab's Content-Security-Policy: nothing but the lab's own origin, for the page and for
 * its workers. It is defence in depth behind the sandbox (the service runs in a compartment
 * that holds only the simulated globals): should code ever reach a real global, it still
 * cannot load a script, a font or an image from elsewhere, or send anything anywhere.
 *
 * Where each policy comes from:
 * - The page: a response header from the dev server and `vite preview`, and a `<meta>` tag
 *   in the built `index.html`, for static hosts that send no header.
 * - The workers: a dedicated worker created from a same-origin URL is governed by the
 *   policy of its own script's response, not the page's (checked in Chromium), and a `<meta>`
 *   tag cannot reach it. So the workers are covered where the server sends the header (the
 *   dev server and `vite preview`); a static host must send `LAB_WORKER_POLICY` with the lab
 *   worker's script and `PAGE_POLICY` with everything else. A worker made from a `blob:` URL
 *   (esbuild's, inside the lab worker) inherits its creator's policy.
 */
import type { Connect, Plugin } from 'vite';

type Policy = Record<string, string[]>;

/** What every document and worker of the lab may do. */
const BASE: Policy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/**
 * The page and Monaco's workers. Monaco adds `<style>` elements as it runs (its themes, the
 * editor's decorations), hence inline styles; its squiggles are `data:` SVG images, as is
 * the page's empty favicon; its icons are a font served from this origin. The page never
 * evaluates strings as code and runs no WebAssembly.
 */
const PAGE: Policy = {
  ...BASE,
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  // Being framed is how a page is clickjacked; only a header can say so (a meta tag may not).
  'frame-ancestors': ["'none'"],
};

/**
 * The lab worker, which compiles and simulates the learner's service: its compartment
 * evaluates the compiled service from a string ('unsafe-eval'), PGlite and esbuild are
 * WebAssembly ('wasm-unsafe-eval'), and esbuild starts its own worker from a `blob:` URL.
 */
const LAB_WORKER: Policy = {
  ...BASE,
  'script-src': ["'self'", "'unsafe-eval'", "'wasm-unsafe-eval'"],
  'worker-src': ['blob:'],
};

function serialize(policy: Policy): string {
  return Object.entries(policy)
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join('; ');
}

export const PAGE_POLICY = serialize(PAGE);
export const LAB_WORKER_POLICY = serialize(LAB_WORKER);
/** The page's policy as a `<meta>` tag carries it: `frame-ancestors` is header-only. */
export const PAGE_META_POLICY = serialize(Object.fromEntries(Object.entries(PAGE).filter(([d]) => d !== 'frame-ancestors')));

/** The lab worker's script: `/assets/lab.worker-<hash>.js` built, `/web/worker/lab.worker.ts?…` in dev. */
const LAB_WORKER_SCRIPT = /\/lab\.worker[-.][^/]*$/;

export function policyFor(url: string, extraScriptSources: string[] = []): string {
  const pathname = new URL(url, 'http://lab.invalid').pathname;
  if (LAB_WORKER_SCRIPT.test(pathname)) return LAB_WORKER_POLICY;
  if (extraScriptSources.length === 0) return PAGE_POLICY;
  return serialize({ ...PAGE, 'script-src': [...PAGE['script-src'], ...extraScriptSources] });
}

/**
 * Sets the policy on every response of the dev server and `vite preview`, and puts the page's
 * in the built `index.html`. `devNonce` is the dev server's (see vite.config.ts): its React
 * preamble is an inline script.
 */
export function labCsp(options: { devNonce?: string } = {}): Plugin {
  const devSources = options.devNonce ? [`'nonce-${options.devNonce}'`] : [];
  const middleware =
    (extra: string[]): Connect.NextHandleFunction =>
    (req, res, next) => {
      res.setHeader('Content-Security-Policy', policyFor(req.url ?? '/', extra));
      next();
    };
  return {
    name: 'tailspin:csp',
    configureServer(server) {
      server.middlewares.use(middleware(devSources));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware([]));
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        if (ctx.server) return [];
        return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: PAGE_META_POLICY }, injectTo: 'head-prepend' }];
      },
    },
  };
}
