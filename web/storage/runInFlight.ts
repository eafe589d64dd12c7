/**
 * Remembers that a run is in flight, so that when the page dies during one the next load can
 * say what happened. In Chromium a dedicated worker lives in its page's renderer process, and a
 * worker whose heap fills up (a service that keeps a little more memory on every request) takes
 * the whole process down with it, with no event the page could act on; nor can a worker read
 * its own heap size to stop first. The learner's code is saved on every edit, so nothing typed
 * is lost; this only explains the crash.
 *
 * A page refreshes the mark every second while its run goes on and removes it when the run ends
 * or the page is left normally (`pagehide`), so a mark that stops being refreshed belongs to a
 * page that died. A fresh mark is another tab's run in progress.
 */
import { isRecord, readJson, removeKey, writeJson } from './local.ts';

const KEY = 'run-in-flight';
const BEAT_MS = 1000;
/** A mark not refreshed for this long belongs to a page that is gone. */
const STALE_MS = 4000;

export interface RunInFlight {
  scenarioId: string;
  startedAt: number;
  beatAt: number;
}

function isRunInFlight(value: unknown): value is RunInFlight {
  return isRecord(value) && typeof value.scenarioId === 'string' && Number.isFinite(value.startedAt) && Number.isFinite(value.beatAt);
}

let beating: ReturnType<typeof setInterval> | null = null;
let listening = false;

export function markRunStarted(scenarioId: string): void {
  if (beating !== null) return;
  const mark: RunInFlight = { scenarioId, startedAt: Date.now(), beatAt: Date.now() };
  writeJson(KEY, mark);
  beating = setInterval(() => writeJson(KEY, { ...mark, beatAt: Date.now() }), BEAT_MS);
  if (!listening) {
    listening = true;
    window.addEventListener('pagehide', markRunEnded);
  }
}

export function markRunEnded(): void {
  if (beating === null) return;
  clearInterval(beating);
  beating = null;
  removeKey(KEY);
}

/**
 * Calls `found` (once) if a page died during a run: at once for a mark already stale, or once a
 * fresh mark has gone unrefreshed for STALE_MS (its page may have died just now). The mark is
 * removed when reported.
 */
export function watchForInterruptedRun(found: (run: RunInFlight) => void): void {
  const first = readJson(KEY, isRunInFlight);
  if (!first) return;
  const report = (run: RunInFlight) => {
    removeKey(KEY);
    found(run);
  };
  if (Date.now() - first.beatAt > STALE_MS) return report(first);
  setTimeout(() => {
    const later = readJson(KEY, isRunInFlight);
    if (later && beating === null && later.beatAt === first.beatAt) report(later);
  }, STALE_MS + BEAT_MS);
}
