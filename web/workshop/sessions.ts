/**
 * What this browser keeps of its workshops, in localStorage: a learner's token per room (so
 * a reload, or a return the next day, carries on), which room the lab is in now, and a host's
 * token per room. Tokens live only here and in the Authorization header, never in a URL: a
 * link is shared and logged, storage is not.
 */
import { isRecord, readJson, removeKey, writeJson } from '../storage/local.ts';
import type { Room } from './api.ts';

export interface LearnerSession {
  code: string;
  token: string;
  name: string;
  learnerId: string;
  room: Room;
}

/** Join codes are read aloud and typed: lower case means the same code. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

/** The shape of a join code (server/tokens.ts): six letters and digits, no 0/O, 1/I/L. */
export function isJoinCode(code: string): boolean {
  return /^[A-HJ-KM-NP-Z2-9]{6}$/.test(normalizeCode(code));
}

const isRoom = (v: unknown): v is Room =>
  isRecord(v) &&
  typeof v.code === 'string' &&
  typeof v.name === 'string' &&
  Array.isArray(v.track) &&
  v.track.every((s) => isRecord(s) && typeof s.scenarioId === 'string');

const isLearnerSession = (v: unknown): v is LearnerSession =>
  isRecord(v) &&
  typeof v.code === 'string' &&
  typeof v.token === 'string' &&
  typeof v.name === 'string' &&
  typeof v.learnerId === 'string' &&
  isRoom(v.room);

const learnerKey = (code: string) => `workshop:learner:${normalizeCode(code)}`;
const hostKey = (code: string) => `workshop:host:${normalizeCode(code)}`;
const ACTIVE_KEY = 'workshop:active';

export function learnerSession(code: string): LearnerSession | undefined {
  return readJson(learnerKey(code), isLearnerSession);
}

export function saveLearnerSession(session: LearnerSession): boolean {
  return writeJson(learnerKey(session.code), session);
}

/** The room this lab is in: its runs on the room's track are reported there. */
export function activeSession(): LearnerSession | undefined {
  const active = readJson(ACTIVE_KEY, (v): v is { code: string } => isRecord(v) && typeof v.code === 'string');
  return active ? learnerSession(active.code) : undefined;
}

export function setActiveRoom(code: string | null): void {
  if (code === null) removeKey(ACTIVE_KEY);
  else writeJson(ACTIVE_KEY, { code: normalizeCode(code) });
}

export function hostToken(code: string): string | undefined {
  return readJson(hostKey(code), (v): v is { token: string } => isRecord(v) && typeof v.token === 'string')?.token;
}

export function saveHostToken(code: string, token: string): boolean {
  return writeJson(hostKey(code), { token });
}

export function forgetHostToken(code: string): void {
  removeKey(hostKey(code));
}
