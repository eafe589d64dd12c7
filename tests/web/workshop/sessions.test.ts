/** What the browser keeps of its workshops: tokens per room in storage, codes as people type them. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  activeSession,
  hostToken,
  isJoinCode,
  type LearnerSession,
  normalizeCode,
  saveHostToken,
  saveLearnerSession,
  setActiveRoom,
} from '../../../web/workshop/sessions.ts';
import { MemoryStorage } from '../storage/memoryStorage.ts';

const session: LearnerSession = {
  code: 'K7QXM2',
  token: 'learner-token',
  name: 'Ada',
  learnerId: 'l1',
  room: { code: 'K7QXM2', name: 'Friday', track: [{ scenarioId: 'n-plus-one' }], createdAtMs: 0 },
};

beforeEach(() => {
  vi.stubGlobal('localStorage', new MemoryStorage());
  return () => vi.unstubAllGlobals();
});

describe('workshop sessions', () => {
  it('read codes without case or spaces, refusing look-alike characters', () => {
    expect(normalizeCode(' k7qxm2 ')).toBe('K7QXM2');
    expect(isJoinCode('k7qxm2')).toBe(true);
    expect(isJoinCode('K7QXM0')).toBe(false);
    expect(isJoinCode('K7QXM')).toBe(false);
  });

  it('keep the learner in the room they joined, whatever case the code was typed in', () => {
    expect(activeSession()).toBeUndefined();
    saveLearnerSession(session);
    setActiveRoom('k7qxm2');
    expect(activeSession()).toEqual(session);
    setActiveRoom(null);
    expect(activeSession()).toBeUndefined();
  });

  it('keep a host token per room', () => {
    saveHostToken('k7qxm2', 'host-secret');
    expect(hostToken('K7QXM2')).toBe('host-secret');
    expect(hostToken('ABCDEF')).toBeUndefined();
  });
});
