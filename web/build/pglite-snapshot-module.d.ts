/** The module `pglite-snapshot.ts` provides to the lab worker. */
declare module 'virtual:pglite-snapshot' {
  /** Same-origin URL of an empty PGlite data directory (a `dumpDataDir()` tarball). */
  const url: string;
  export default url;
  /** The tarball's type, which tells PGlite whether to gunzip it. */
  export const mimeType: string;
}
