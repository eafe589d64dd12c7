/** The module `precompiled-services.ts` provides to the lab worker. */
declare module 'virtual:precompiled-services' {
  import type { PrecompiledService } from './precompiled-services.ts';
  /** Per scenario folder: its starter and solution, each with what the compiler made of it. */
  export const precompiled: Record<string, () => Promise<PrecompiledService[]>>;
}
