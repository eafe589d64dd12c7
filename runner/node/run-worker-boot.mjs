// Worker-thread bootstrap: registers the TypeScript loader, then runs the TypeScript entry.
// (A worker's own entry module is resolved before any --import hook could apply to it.)
import { register } from 'tsx/esm/api';

register();
await import('./run-worker-entry.ts');
