/**
 * Interview links: the settings of one round (scenario, time limit, hints, the seeds the
 * candidate sees, the hidden final checks), versioned, hashed and compressed into the URL
 * fragment, so a static site can serve a round. The hash makes an altered link fail to open;
 * the settings are also the first event of the recording (see chain.ts), so a report says
 * which round it belongs to and cannot be moved to another one.
 */
import { sha256Hex } from '../provenance.ts';
import { canonicalJson } from './canonical.ts';
import { compactText, expandText } from './compact.ts';

export interface InterviewSettings {
  scenarioId: string;
  /** Minutes; at the end the code is submitted automatically. */
  timeLimitMin: number;
  /** How many of the scenario's hints the candidate may open (0: none). */
  hintsAllowed: number;
  /** Always false: a round never shows the solution or a diff against it. */
  reveal: false;
  /** The seeds the candidate runs with; the first is the default. */
  visibleSeeds: number[];
  /** Checks the candidate sees only after submitting: other seeds, at a load scale. */
  hidden: { seeds: number[]; loadScale: number };
}

/** The fragment prefix of an interview link. */
export const INTERVIEW_PREFIX = '#/interview/';
export const LINK_VERSION = 1;
export const TIME_LIMIT_MIN = { min: 5, max: 240 };
export const HINTS_ALLOWED_MAX = 10;
export const SEEDS_MAX = 5;
const SEED_MAX = 0xffffffff;
/** Bounds the work of decoding a hostile link: settings are a few hundred bytes. */
const PAYLOAD_CHARS_MAX = 4096;
const INFLATED_BYTES_MAX = 16 * 1024;

/** A link that cannot be used; its message says why in words a person can act on. */
export class InterviewLinkError extends Error {
  override name = 'InterviewLinkError';
}

/** The settings' SHA-256 (hex): the round's identity, in the link, the recording and the report. */
export function settingsSha256(settings: InterviewSettings): string {
  return sha256Hex(canonicalJson(settings));
}

export function encodeInterviewLink(settings: InterviewSettings): string {
  const checked = validateSettings(settings);
  const json = JSON.stringify({ v: LINK_VERSION, settings: checked, sha256: settingsSha256(checked) });
  return INTERVIEW_PREFIX + compactText(json);
}

/** Decodes the part after `#/interview/`; throws InterviewLinkError. */
export function decodeInterviewLink(payload: string): InterviewSettings {
  if (payload.length === 0) throw new InterviewLinkError('The interview link is empty.');
  if (payload.length > PAYLOAD_CHARS_MAX) throw new InterviewLinkError('The interview link is too long to be one of ours.');
  let text: string | null;
  try {
    text = expandText(payload, INFLATED_BYTES_MAX);
  } catch {
    throw new InterviewLinkError('The interview link is damaged (it could not be decompressed). It may have been cut off when copied.');
  }
  if (text === null) throw new InterviewLinkError('The interview link carries more than a round’s settings.');
  let data: { v?: unknown; settings?: unknown; sha256?: unknown };
  try {
    data = JSON.parse(text);
  } catch {
    throw new InterviewLinkError('The interview link is damaged (its content is not readable).');
  }
  if (typeof data !== 'object' || data === null || data.v !== LINK_VERSION) {
    throw new InterviewLinkError('The interview link was made by an unknown version of the lab.');
  }
  const settings = validateSettings(data.settings);
  if (data.sha256 !== settingsSha256(settings)) {
    throw new InterviewLinkError(
      'The interview link was altered: its settings do not match its checksum. Ask the interviewer for the link again.',
    );
  }
  return settings;
}

/** The settings, checked field by field; throws InterviewLinkError naming the first bad one. */
export function validateSettings(value: unknown): InterviewSettings {
  const d = value as Record<string, unknown> | null;
  const bad = (what: string): never => {
    throw new InterviewLinkError(`The interview settings are not valid: ${what}.`);
  };
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return bad('they are missing');
  if (typeof d.scenarioId !== 'string' || !/^[\w.-]{1,100}$/.test(d.scenarioId)) bad('no scenario is named');
  const t = d.timeLimitMin;
  if (!Number.isInteger(t) || (t as number) < TIME_LIMIT_MIN.min || (t as number) > TIME_LIMIT_MIN.max) {
    bad(`the time limit must be a whole number of minutes from ${TIME_LIMIT_MIN.min} to ${TIME_LIMIT_MIN.max}`);
  }
  const h = d.hintsAllowed;
  if (!Number.isInteger(h) || (h as number) < 0 || (h as number) > HINTS_ALLOWED_MAX)
    bad(`hints allowed must be 0 to ${HINTS_ALLOWED_MAX}`);
  if (d.reveal !== false) bad('the solution can never be revealed in a round');
  const visibleSeeds = seeds(d.visibleSeeds, 'visible seeds', bad);
  const hidden = d.hidden as Record<string, unknown> | null;
  if (typeof hidden !== 'object' || hidden === null) return bad('the hidden checks are missing');
  const hiddenSeeds = seeds(hidden.seeds, 'hidden seeds', bad);
  if (hiddenSeeds.some((s) => visibleSeeds.includes(s))) bad('a hidden seed is also a visible one; hidden checks use other seeds');
  const loadScale = hidden.loadScale;
  if (typeof loadScale !== 'number' || !Number.isFinite(loadScale) || loadScale <= 0)
    bad('the hidden load scale must be a positive number');
  return {
    scenarioId: d.scenarioId as string,
    timeLimitMin: t as number,
    hintsAllowed: h as number,
    reveal: false,
    visibleSeeds,
    hidden: { seeds: hiddenSeeds, loadScale: loadScale as number },
  };
}

function seeds(value: unknown, what: string, bad: (what: string) => never): number[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > SEEDS_MAX) return bad(`${what}: give 1 to ${SEEDS_MAX}`);
  for (const s of value) if (!Number.isInteger(s) || s < 0 || s > SEED_MAX) bad(`${what}: each is a whole number from 0 to ${SEED_MAX}`);
  if (new Set(value).size !== value.length) bad(`${what}: a seed is repeated`);
  return [...value] as number[];
}

/** The hidden load scale must lie within the scenario's range; throws InterviewLinkError. */
export function checkAgainstScenario(settings: InterviewSettings, loadScaleBounds: { min: number; max: number }): void {
  const { min, max } = loadScaleBounds;
  const s = settings.hidden.loadScale;
  if (s < min || s > max) {
    throw new InterviewLinkError(`The hidden load scale ×${s} is outside ${settings.scenarioId}'s range (×${min} to ×${max}).`);
  }
}
