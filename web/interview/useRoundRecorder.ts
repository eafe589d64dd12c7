/**
 * Opens a round's recorder (from IndexedDB, so a reload goes on from the stored records) and
 * re-renders its users after each event.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { ENGINE_VERSION, type InterviewSettings, settingsSha256 } from '../../runner/interview/index.ts';
import { RoundRecorder } from './RoundRecorder.ts';
import { roundClock } from './roundClock.ts';
import { openRoundStore } from './roundStore.ts';

const noop = () => () => {};

export function useRoundRecorder(settings: InterviewSettings, startCode: string): { recorder: RoundRecorder | null; durable: boolean } {
  const [state, setState] = useState<{ recorder: RoundRecorder; durable: boolean } | null>(null);
  useEffect(() => {
    let live = true;
    const roundId = settingsSha256(settings);
    void (async () => {
      const store = await openRoundStore();
      const first = { type: 'settings' as const, settings, settingsSha256: roundId, engine: ENGINE_VERSION };
      const recorder = await RoundRecorder.open(store, roundId, roundClock.now, first, startCode);
      if (live) setState({ recorder, durable: store.durable });
    })();
    return () => {
      live = false;
    };
  }, [settings, startCode]);
  const recorder = state?.recorder ?? null;
  // A new record, or a failed write, re-renders.
  useSyncExternalStore(recorder ? (l) => recorder.subscribe(l) : noop, () =>
    recorder ? `${recorder.records.length}:${recorder.saving}` : '',
  );
  return { recorder, durable: state?.durable ?? true };
}
