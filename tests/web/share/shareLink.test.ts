/**
 * Share links: what is encoded comes back; anything else, however damaged or hostile, gives a
 * ShareLinkError with words a person can act on, never another exception, and bounded work.
 */
import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeShare, encodeShare, SHARE_PREFIX, ShareLinkError, shareUrl, type SharedRun } from '../../../web/share/shareLink.ts';

const RUN: SharedRun = {
  scenarioId: 'blocking-event-loop',
  code: "import { pbkdf2 } from 'node:crypto';\n// ünïcødé ✓ and a tab\t\nexport const answer = 42;\n",
  seed: 12345,
  loadScale: 1.5,
};

/** The part after `#/share/`, as the router hands it to decodeShare. */
const payloadOf = (run: SharedRun) => encodeShare(run).slice(SHARE_PREFIX.length);

/** A payload carrying `value` as its JSON, encoded the way encodeShare encodes. */
function payloadWith(value: unknown): string {
  return toBase64Url(deflateSync(strToU8(typeof value === 'string' ? value : JSON.stringify(value))));
}

function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function errorOf(payload: string): unknown {
  try {
    decodeShare(payload);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('share links', () => {
  it('round-trip scenario, code, seed and load scale', () => {
    const encoded = encodeShare(RUN);
    expect(encoded.startsWith(SHARE_PREFIX)).toBe(true);
    expect(encoded.slice(SHARE_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeShare(payloadOf(RUN))).toEqual(RUN);
  });

  it('round-trip empty and long code', () => {
    const empty = { ...RUN, code: '' };
    const long = { ...RUN, code: 'const x = 1;\n'.repeat(10_000) };
    expect(decodeShare(payloadOf(empty))).toEqual(empty);
    expect(decodeShare(payloadOf(long))).toEqual(long);
  });

  it('put the payload in the fragment of the page they were made on', () => {
    const url = new URL(shareUrl(RUN, 'https://lab.example/tailspin/?x=1#/s/other'));
    expect(url.origin + url.pathname + url.search).toBe('https://lab.example/tailspin/?x=1');
    expect(url.hash).toBe(encodeShare(RUN));
    expect(decodeShare(url.hash.slice(SHARE_PREFIX.length))).toEqual(RUN);
  });

  it.each<[string, string, RegExp]>([
    ['empty', '', /empty/],
    ['not base64url', 'hello world!', /damaged.*decompressed/],
    ['base64url that is not deflate', 'aGVsbG8gd29ybGQ', /damaged.*decompressed/],
    ['cut off when copied', payloadOf(RUN).slice(0, 20), /damaged/],
    ['deflated text that is not JSON', payloadWith('not json {'), /damaged.*not readable/],
    ['JSON of no known version', payloadWith({ v: 2, s: 'a', c: '' }), /unknown version/],
    ['JSON that is not an object', payloadWith(42), /unknown version/],
    ['JSON null', payloadWith(null), /unknown version/],
    ['no scenario', payloadWith({ v: 1, c: 'x' }), /names no scenario/],
    ['a scenario id that is a path', payloadWith({ v: 1, s: '../../etc', c: 'x' }), /names no scenario/],
    ['code that is not text', payloadWith({ v: 1, s: 'a', c: { evil: true } }), /carries no code/],
  ])('reject a payload that is %s with a ShareLinkError', (_, payload, message) => {
    const e = errorOf(payload);
    expect(e).toBeInstanceOf(ShareLinkError);
    expect((e as Error).message).toMatch(message);
  });

  it('fall back to seed 1 and load ×1 when theirs are not usable', () => {
    for (const [seed, scale] of [
      [-1, 0],
      [1.5, -2],
      ['7', '2'],
      [2 ** 60, Number.NaN],
      [null, null],
    ]) {
      const run = decodeShare(payloadWith({ v: 1, s: 'a', c: 'x', seed, scale }));
      expect([run.seed, run.loadScale]).toEqual([1, 1]);
    }
  });

  describe('size limits', () => {
    it('refuse a payload longer than any link of ours before decoding it', () => {
      expect((errorOf('A'.repeat(200_001)) as Error).message).toMatch(/too long/);
    });

    it('refuse code longer than the limit', () => {
      const e = errorOf(payloadWith({ v: 1, s: 'a', c: 'x'.repeat(200_001) }));
      expect(e).toBeInstanceOf(ShareLinkError);
      expect((e as Error).message).toMatch(/more code than the lab accepts/);
    });

    it('refuse a small payload that inflates to far more than any code (a decompression bomb), and say so', () => {
      const bomb = toBase64Url(deflateSync(new Uint8Array(20_000_000), { level: 9 }));
      expect(bomb.length).toBeLessThan(200_000);
      const e = errorOf(bomb);
      expect(e).toBeInstanceOf(ShareLinkError);
      expect((e as Error).message).toMatch(/more code than the lab accepts/);
    });
  });

  it('give a ShareLinkError or the shared run for every truncation and every one-character change', () => {
    const payload = payloadOf({ ...RUN, code: 'export const a = 1;' });
    const alphabet = 'Aa0_-';
    const variants: string[] = [];
    for (let n = 0; n < payload.length; n++) variants.push(payload.slice(0, n));
    for (let i = 0; i < payload.length; i++) {
      for (const c of alphabet) if (payload[i] !== c) variants.push(payload.slice(0, i) + c + payload.slice(i + 1));
    }
    let refused = 0;
    for (const variant of variants) {
      const e = errorOf(variant);
      if (e === undefined) continue;
      expect(e, `for ${JSON.stringify(variant)}`).toBeInstanceOf(ShareLinkError);
      refused++;
    }
    expect(refused).toBeGreaterThan(variants.length / 2);
  });
});
