// Worker-thread bootstrap. It runs before any other module in the worker: it takes the
// private reply port out of workerData (so nothing loaded later finds it there), registers
// the TypeScript loader, then hands the port to the TypeScript entry. (A worker's own entry
// module is resolved before any --import hook could apply to it.)
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

const { request, port } = workerData;
delete workerData.port;
if (!port) throw new Error('the run worker was started without its reply port');

register();
const { runRequest } = await import('./run-worker-entry.ts');
await runRequest(request, port);
