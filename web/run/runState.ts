import type { SnapshotFrom } from 'xstate';
import type { runMachine, RunState } from './runMachine.ts';

export type RunSnapshot = SnapshotFrom<typeof runMachine>;

/** The machine's state as one flat name, for the page and the test hook. */
export function runStateOf(s: RunSnapshot): RunState {
  if (s.matches({ running: 'compiling' })) return 'compiling';
  if (s.matches({ running: 'simulating' })) return 'simulating';
  return s.value as RunState;
}

export function isBusy(state: RunState): boolean {
  return state === 'compiling' || state === 'simulating' || state === 'comparing';
}
