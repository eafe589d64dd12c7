/**
 * Share links: scenario, code, seed and load scale, deflated and base64url-encoded into the
 * URL fragment, so nothing is sent to any server. Opening one loads the code; it never runs it.
 */
import { deflateSync, strFromU8, strToU8 } from 'fflate';
import { fromBase64Url, inflateAtMost, toBase64Url } from '../../runner/interview/index.ts';

export interface SharedRun {
  scenarioId: string;
  code: string;
  seed: number;
  loadScale: number;
}

/** The fragment prefix that marks a share link. */
export const SHARE_PREFIX = '#/share/';
/** Bounds the work of decoding a hostile link. */
const PAYLOAD_CHARS_MAX = 200_000;
const CODE_CHARS_MAX = 200_000;
/** The most a link may inflate to: its code at four UTF-8 bytes a character, with room to spare. */
const INFLATED_BYTES_MAX = CODE_CHARS_MAX * 4;
const TOO_MUCH_CODE = 'The share link carries more code than the lab accepts.';

/** A link that cannot be used; its message says why in words the learner can act on. */
export class ShareLinkError extends Error {
  override name = 'ShareLinkError';
}

export function encodeShare(run: SharedRun): string {
  const json = JSON.stringify({ v: 1, s: run.scenarioId, c: run.code, seed: run.seed, scale: run.loadScale });
  return SHARE_PREFIX + toBase64Url(deflateSync(strToU8(json), { level: 9 }));
}

export function shareUrl(run: SharedRun, base = location.href): string {
  const url = new URL(base);
  url.hash = encodeShare(run).slice(1);
  return url.toString();
}

/** Decodes the part after `#/share/`; throws ShareLinkError with a message a person can act on. */
export function decodeShare(payload: string): SharedRun {
  if (payload.length === 0) throw new ShareLinkError('The share link is empty.');
  if (payload.length > PAYLOAD_CHARS_MAX) throw new ShareLinkError('The share link is too long to be one of ours.');
  let bytes: Uint8Array | null;
  try {
    bytes = inflateAtMost(fromBase64Url(payload), INFLATED_BYTES_MAX);
  } catch {
    throw new ShareLinkError('The share link is damaged (it could not be decompressed). It may have been cut off when copied.');
  }
  if (!bytes) throw new ShareLinkError(TOO_MUCH_CODE);
  const text = strFromU8(bytes);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ShareLinkError('The share link is damaged (its content is not readable).');
  }
  return validate(data);
}

function validate(data: unknown): SharedRun {
  const d = data as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null || d.v !== 1) {
    throw new ShareLinkError('The share link was made by an unknown version of the lab.');
  }
  if (typeof d.s !== 'string' || !/^[\w.-]+$/.test(d.s)) throw new ShareLinkError('The share link names no scenario.');
  if (typeof d.c !== 'string') throw new ShareLinkError('The share link carries no code.');
  if (d.c.length > CODE_CHARS_MAX) throw new ShareLinkError(TOO_MUCH_CODE);
  const seed = Number.isSafeInteger(d.seed) && (d.seed as number) >= 0 ? (d.seed as number) : 1;
  const loadScale = typeof d.scale === 'number' && Number.isFinite(d.scale) && d.scale > 0 ? d.scale : 1;
  return { scenarioId: d.s, code: d.c, seed, loadScale };
}
