import type { ScenarioInfo } from '../lab/protocol.ts';
import { useUi } from '../store/uiStore.ts';
import { SEED_EXPLAINED } from '../run/seed.ts';

export interface ToolbarProps {
  busy: boolean;
  info: ScenarioInfo | undefined;
  onRunOrStop(): void;
}

/** Run/Stop, the run's controls (seed, load scale), and the code actions. */
export function Toolbar({ busy, info, onRunOrStop }: ToolbarProps) {
  const seed = useUi((s) => s.seed);
  const loadScale = useUi((s) => s.loadScale);
  const setSeed = useUi((s) => s.setSeed);
  const setLoadScale = useUi((s) => s.setLoadScale);
  const openDialog = useUi((s) => s.openDialog);
  const bounds = info?.loadScale ?? { min: 1, max: 1 };
  const scalable = bounds.max > bounds.min;
  const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

  return (
    <div className="toolbar" role="toolbar" aria-label="Run controls">
      <button
        className={busy ? 'button button-stop' : 'button button-primary'}
        onClick={onRunOrStop}
        data-testid="run-button"
        title={`${busy ? 'Stop' : 'Run'} (${mac ? '⌘' : 'Ctrl'}+Enter)`}
      >
        {busy ? '■ Stop' : '▶ Run'}
      </button>
      <label className="control" title={SEED_EXPLAINED}>
        Seed
        <input
          type="number"
          min={0}
          step={1}
          value={seed}
          disabled={busy}
          data-testid="seed-input"
          onChange={(e) => {
            const n = Math.floor(Number(e.target.value));
            if (Number.isSafeInteger(n) && n >= 0) setSeed(n);
          }}
        />
      </label>
      <label className="control" title={scalable ? 'Multiplies every arrival rate' : 'This scenario runs at a fixed load'}>
        Load ×
        <input
          type="range"
          min={bounds.min}
          max={bounds.max}
          step={0.1}
          value={loadScale}
          disabled={busy || !scalable}
          data-testid="load-scale"
          onChange={(e) => setLoadScale(Number(e.target.value))}
        />
        <output className="mono">{loadScale.toFixed(1)}</output>
      </label>
      <span className="toolbar-spacer" />
      <button
        className="button button-quiet"
        onClick={() => openDialog('diff')}
        data-testid="diff-button"
        title="Your code against the starter"
      >
        Diff
      </button>
      <button className="button button-quiet" onClick={() => openDialog('share')} data-testid="share-button">
        Share
      </button>
      <button className="button button-quiet" onClick={() => openDialog('confirm-reset')} disabled={busy} data-testid="reset-button">
        Reset
      </button>
      <button className="button button-quiet" onClick={() => openDialog('confirm-solution')} disabled={busy} data-testid="solution-button">
        Reveal solution
      </button>
    </div>
  );
}
