/**
 * Hands the runner an empty database made at build time, so a scenario's first run skips
 * initdb (seconds in a browser worker). The download starts when the lab first asks for it
 * (warming up for a scenario with a database) and is shared by whoever asks next.
 */
import snapshotUrl, { mimeType } from 'virtual:pglite-snapshot';
import { setDatabaseSnapshot } from '../../runner/index.ts';

/**
 * Call before `hardenRealm()`: the fetch kept here is the realm's own, whatever later becomes
 * of the global. Returns a function that starts the download early (idempotent).
 */
export function installDatabaseSnapshot(): () => Promise<Blob> {
  const realFetch = self.fetch.bind(self);
  let download: Promise<Blob> | undefined;
  const load = (): Promise<Blob> => {
    download ??= realFetch(snapshotUrl).then(async (response) => {
      if (!response.ok) throw new Error(`database snapshot: HTTP ${response.status}`);
      // The type, not the server's Content-Type, tells PGlite whether to gunzip.
      return new Blob([await response.blob()], { type: mimeType });
    });
    // A failed download is tried again by the next creation (the runner falls back to initdb).
    download.catch(() => {
      download = undefined;
    });
    return download;
  };
  setDatabaseSnapshot(load);
  return load;
}
