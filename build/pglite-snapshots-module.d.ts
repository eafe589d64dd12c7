/** The module `pglite-snapshot.ts` provides to the lab worker. */
declare module 'virtual:pglite-snapshots' {
  /** Same-origin URL of an empty PGlite data directory (a gzipped `dumpDataDir()` tarball). */
  export const empty: string;
  /** URLs of data directories already reset to a setup, by the setup's digest (`setupDigest`). */
  export const prepared: Record<string, string>;
}
