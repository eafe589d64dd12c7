import { describe, expect, it } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import {
  checkAgainstScenario,
  compactText,
  decodeInterviewLink,
  encodeInterviewLink,
  INTERVIEW_PREFIX,
  InterviewLinkError,
  type InterviewSettings,
  settingsSha256,
  toBase64Url,
} from '../../../runner/interview/index.ts';

const SETTINGS: InterviewSettings = {
  scenarioId: 'n-plus-one',
  timeLimitMin: 45,
  hintsAllowed: 1,
  reveal: false,
  visibleSeeds: [1],
  hidden: { seeds: [7, 11], loadScale: 1.5 },
};

const payloadOf = (link: string) => link.slice(INTERVIEW_PREFIX.length);
const raw = (data: unknown) => compactText(JSON.stringify(data));

describe('interview links', () => {
  it('round-trips the settings and is deterministic', () => {
    const link = encodeInterviewLink(SETTINGS);
    expect(link.startsWith(INTERVIEW_PREFIX)).toBe(true);
    expect(encodeInterviewLink(SETTINGS)).toBe(link);
    expect(decodeInterviewLink(payloadOf(link))).toEqual(SETTINGS);
  });

  it('hashes the settings whatever the order of their keys', () => {
    const reordered = {
      hidden: { loadScale: 1.5, seeds: [7, 11] },
      visibleSeeds: [1],
      reveal: false,
      hintsAllowed: 1,
      timeLimitMin: 45,
      scenarioId: 'n-plus-one',
    };
    expect(settingsSha256(reordered as InterviewSettings)).toBe(settingsSha256(SETTINGS));
    expect(settingsSha256({ ...SETTINGS, timeLimitMin: 46 })).not.toBe(settingsSha256(SETTINGS));
  });

  it('refuses settings changed inside the link (the checksum no longer matches)', () => {
    const forged = raw({ v: 1, settings: { ...SETTINGS, timeLimitMin: 240 }, sha256: settingsSha256(SETTINGS) });
    expect(() => decodeInterviewLink(forged)).toThrow(/altered: its settings do not match its checksum/);
  });

  it('refuses a link that turns the reveal on, even with a matching checksum', () => {
    const open = { ...SETTINGS, reveal: true };
    expect(() => decodeInterviewLink(raw({ v: 1, settings: open, sha256: settingsSha256(open as never) }))).toThrow(
      /solution can never be revealed/,
    );
  });

  it.each([
    ['empty', '', /is empty/],
    ['not base64url', '%%%', /damaged \(it could not be decompressed\)/],
    ['cut off', payloadOf(encodeInterviewLink(SETTINGS)).slice(0, 20), /damaged/],
    ['too long', 'A'.repeat(5000), /too long/],
    ['not JSON', toBase64Url(deflateSync(strToU8('not json'))), /not readable/],
    ['an unknown version', raw({ v: 2, settings: SETTINGS }), /unknown version/],
    ['a bomb', toBase64Url(deflateSync(new Uint8Array(1_000_000))), /more than a round’s settings/],
  ])('refuses a payload that is %s, saying so', (_what, payload, message) => {
    expect(() => decodeInterviewLink(payload)).toThrow(InterviewLinkError);
    expect(() => decodeInterviewLink(payload)).toThrow(message);
  });

  it.each([
    ['no scenario', { scenarioId: '' }, /no scenario is named/],
    ['a time limit too short', { timeLimitMin: 1 }, /time limit/],
    ['a fractional time limit', { timeLimitMin: 10.5 }, /time limit/],
    ['too many hints', { hintsAllowed: 11 }, /hints allowed/],
    ['no visible seed', { visibleSeeds: [] }, /visible seeds: give 1 to 5/],
    ['a negative seed', { visibleSeeds: [-1] }, /visible seeds: each is a whole number/],
    ['a repeated seed', { hidden: { seeds: [3, 3], loadScale: 1 } }, /repeated/],
    ['a hidden seed the candidate sees', { hidden: { seeds: [1], loadScale: 1 } }, /also a visible one/],
    ['a zero load scale', { hidden: { seeds: [2], loadScale: 0 } }, /positive number/],
  ])('encoding refuses %s', (_what, change, message) => {
    expect(() => encodeInterviewLink({ ...SETTINGS, ...change } as InterviewSettings)).toThrow(message);
  });

  it('checks the hidden load scale against the scenario’s range', () => {
    expect(() => checkAgainstScenario(SETTINGS, { min: 0.5, max: 2 })).not.toThrow();
    expect(() => checkAgainstScenario(SETTINGS, { min: 1, max: 1.2 })).toThrow(/outside n-plus-one's range \(×1 to ×1.2\)/);
  });
});
