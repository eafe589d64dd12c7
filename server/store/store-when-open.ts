/**
 * A store that is not open yet: every call waits until it is. A server taking over from
 * another (serve-worker.ts) listens before it may open the PGlite folder, which only one
 * process at a time can hold; requests that reach it in between wait here for a few hundred
 * milliseconds instead of being refused and retried seconds later.
 */
import type { WorkshopStore } from './workshop-store.ts';

export function storeWhenOpen(opening: Promise<WorkshopStore>): WorkshopStore {
  // Nothing waits on a store that failed to open: the process ends, with the reason.
  opening.catch(() => {});
  let open: WorkshopStore | null = null;
  opening.then((store) => (open = store)).catch(() => {});
  return new Proxy({} as WorkshopStore, {
    get(_target, name: keyof WorkshopStore) {
      return (...args: unknown[]) => {
        // Once open, calls go straight through: no extra turn on the report's path.
        if (open) return (open[name] as (...a: unknown[]) => unknown)(...args);
        return opening.then((store) => (store[name] as (...a: unknown[]) => unknown)(...args));
      };
    },
  });
}
