/**
 * Share links: scenario, code, seed and load scale, deflated and base64url-encoded into the
 * URL fragment, so nothing is sent to any server. Opening one loads the code; it never runs it.
 */
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';

export interface SharedRun {
  scenarioId: string;
  code: string;
  seed: number;
  loadScale: number;
}

/** The fragment prefix that marks a share link. */
export const SHARE_PREFIX = '#/share/';
/** Bounds the work of decoding a hostile link. */
const MAX_PAYLOAD_CHARS = 200_000;
const MAX_CODE_CHARS = 200_000;

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
  if (payload.length > MAX_PAYLOAD_CHARS) throw new ShareLinkError('The share link is too long to be one of ours.');
  let text: string;
  try {
    const bytes = inflateSync(fromBase64Url(payload));
    if (bytes.length > MAX_CODE_CHARS * 4) throw new Error('too large');
    text = strFromU8(bytes);
  } catch {
    throw new ShareLinkError('The share link is damaged (it could not be decompressed). It may have been cut off when copied.');
  }
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
  if (typeof d.c !== 'string' || d.c.length > MAX_CODE_CHARS) throw new ShareLinkError('The share link carries no code.');
  const seed = Number.isSafeInteger(d.seed) && (d.seed as number) >= 0 ? (d.seed as number) : 1;
  const loadScale = typeof d.scale === 'number' && Number.isFinite(d.scale) && d.scale > 0 ? d.scale : 1;
  return { scenarioId: d.s, code: d.c, seed, loadScale };
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) throw new Error('not base64url');
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
