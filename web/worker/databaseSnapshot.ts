/**
 * Hands the runner the database snapshots made at build time (see `build/pglite-snapshot.ts`),
 * so a scenario's first run skips initdb and, for a bundled scenario, its setup SQL. Every
 * download starts when the lab first asks (warming up for a scenario with a database), all at
 * once: the snapshot, and PGlite's own wasm (compiled as it streams in) and file bundle.
 */
import pgliteWasmUrl from '@electric-sql/pglite/pglite.wasm?url';
import pgliteDataUrl from '@electric-sql/pglite/pglite.data?url';
import { empty as emptyUrl, prepared as preparedUrls } from 'virtual:pglite-snapshots';
import { setDatabaseSnapshots, setupDigest, type DatabaseSpec, type EngineFiles } from '../../runner/index.ts';

const TAR = 'application/x-tar';

/**
 * Call before `hardenRealm()` and before any user code: what is kept here is the realm's own,
 * whatever later becomes of the globals. Returns a function that starts the downloads the
 * database for `database` needs (idempotent per file).
 */
export function installDatabaseSnapshots(
  onReady: (what: 'engineReadyMs' | 'snapshotReadyMs') => void = () => {},
): (database: DatabaseSpec) => void {
  const realFetch = self.fetch.bind(self);
  const { compileStreaming, compile } = WebAssembly;
  const Decompression = DecompressionStream;
  const ResponseOf = Response;

  async function download(url: string): Promise<Response> {
    const response = await realFetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response;
  }

  /** The gzipped tarball, inflated natively as it arrives. */
  async function tarball(url: string): Promise<Blob> {
    const response = await download(url);
    const inflated = await new ResponseOf(response.body!.pipeThrough(new Decompression('gzip'))).arrayBuffer();
    // The type, not the file name, tells PGlite it is a plain tarball.
    return new Blob([inflated], { type: TAR });
  }

  async function engine(): Promise<EngineFiles> {
    // compileStreaming needs the server to say application/wasm; a static host that does not
    // gets the wasm compiled from its bytes instead.
    const wasmModule = compileStreaming(download(pgliteWasmUrl)).catch(async () =>
      compile(await (await download(pgliteWasmUrl)).arrayBuffer()),
    );
    const fsBundle = download(pgliteDataUrl).then((r) => r.blob());
    const files = { wasmModule: await wasmModule, fsBundle: await fsBundle };
    onReady('engineReadyMs');
    return files;
  }

  const pending = new Map<string, Promise<unknown>>();
  /** One download per key; a failed one is tried again by whoever asks next. */
  function once<T>(key: string, start: () => Promise<T>): Promise<T> {
    let p = pending.get(key) as Promise<T> | undefined;
    if (!p) {
      p = start();
      pending.set(key, p);
      p.catch(() => pending.delete(key));
    }
    return p;
  }

  const ready = (blob: Blob) => {
    onReady('snapshotReadyMs');
    return blob;
  };
  const snapshots = {
    prepared(setupSql: string): Promise<Blob> | undefined {
      const url = preparedUrls[setupDigest(setupSql)];
      return url === undefined ? undefined : once(url, () => tarball(url).then(ready));
    },
    empty: () => once(emptyUrl, () => tarball(emptyUrl).then(ready)),
    engine: () => once('engine', engine),
  };
  setDatabaseSnapshots(snapshots);
  return (database) => {
    void snapshots.engine().catch(() => undefined);
    // A scenario may build its setup SQL on first use: the engine's downloads go first.
    (snapshots.prepared(database.setupSql) ?? snapshots.empty()).catch(() => undefined);
  };
}
