/**
 * Lets the host run its own macrotasks (a worker's incoming "stop" message, Node's I/O)
 * between chunks of simulation. A MessageChannel hop costs ~17 µs in a browser worker,
 * where setTimeout(0) would be clamped to 4 ms.
 */
export function createYield(): () => Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => void; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return () => new Promise((resolve) => setImmediate(resolve));
  }
  if (typeof g.MessageChannel === 'function') {
    const channel = new g.MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        channel.port2.postMessage(0);
      });
  }
  return () => new Promise((resolve) => setTimeout(resolve, 0));
}
