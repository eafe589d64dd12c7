/**
 * UI state only (which hint is open, which dialog, which tab, what the controls say). The run
 * itself lives in the run machine; code lives in the editor and in drafts.
 */
import { create } from 'zustand';
import type { TypeFile } from '../../runner/index.ts';
import type { ScenarioInfo } from '../lab/protocol.ts';
import { loadProgress, type ScenarioProgress } from '../storage/progress.ts';

export type Dialog = null | 'diff' | 'confirm-reset' | 'confirm-solution' | 'share';
export type SideTab = 'brief' | 'history' | 'drafts';

export interface Notice {
  kind: 'info' | 'error';
  text: string;
  /** Offers to restore the draft a shared link replaced. */
  restoreStash?: boolean;
  /** One button that acts on the notice (it is dismissed after). */
  action?: { label: string; run(): void };
}

interface UiState {
  /** From the worker once it has started; null until then. */
  scenarioInfo: Record<string, ScenarioInfo> | null;
  labError: string | null;
  /** The platform's declaration files for the editor, from the worker. */
  platformTypes: TypeFile[] | null;
  progress: Record<string, ScenarioProgress>;
  hintsShown: Record<string, number>;
  seed: number;
  loadScale: number;
  dialog: Dialog;
  sideTab: SideTab;
  notice: Notice | null;
  editorReady: boolean;
  setScenarioInfo(list: ScenarioInfo[]): void;
  setLabError(message: string | null): void;
  setPlatformTypes(files: TypeFile[]): void;
  setProgress(p: Record<string, ScenarioProgress>): void;
  showNextHint(scenarioId: string): void;
  setSeed(seed: number): void;
  setLoadScale(scale: number): void;
  openDialog(d: Dialog): void;
  setSideTab(t: SideTab): void;
  setNotice(n: Notice | null): void;
  setEditorReady(ready: boolean): void;
}

export const SEED_DEFAULT = 1;

export const useUi = create<UiState>()((set) => ({
  scenarioInfo: null,
  labError: null,
  platformTypes: null,
  progress: loadProgress(),
  hintsShown: {},
  seed: SEED_DEFAULT,
  loadScale: 1,
  dialog: null,
  sideTab: 'brief',
  notice: null,
  editorReady: false,
  setScenarioInfo: (list) => set({ scenarioInfo: Object.fromEntries(list.map((s) => [s.id, s])) }),
  setLabError: (labError) => set({ labError }),
  setPlatformTypes: (platformTypes) => set({ platformTypes }),
  setProgress: (progress) => set({ progress }),
  showNextHint: (id) => set((s) => ({ hintsShown: { ...s.hintsShown, [id]: (s.hintsShown[id] ?? 0) + 1 } })),
  setSeed: (seed) => set({ seed }),
  setLoadScale: (loadScale) => set({ loadScale }),
  openDialog: (dialog) => set({ dialog }),
  setSideTab: (sideTab) => set({ sideTab }),
  setNotice: (notice) => set({ notice }),
  setEditorReady: (editorReady) => set({ editorReady }),
}));
