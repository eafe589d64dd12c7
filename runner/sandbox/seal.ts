/**
 * Seals the realm the simulator shares with the learner's service: Hardened JavaScript's
 * `lockdown()` freezes every intrinsic (Array.prototype, Math, %TypedArray%.prototype, …)
 * and makes `Function.prototype.constructor` inert. The runner measures and judges with
 * those same intrinsics, so a service that overwrote `Array.prototype.every` or `Math.ceil`
 * could otherwise forge its own verdict. The service itself is evaluated in a compartment
 * (see evaluate.ts) whose global object holds only the simulated globals.
 *
 * Sealing happens once per realm, just before the first service is evaluated: modules the
 * host loads earlier (the compiler, PGlite's glue) may still adjust intrinsics while they
 * load; nothing may afterwards. It is idempotent, and tolerates a realm sealed by its host.
 */
import 'ses';
import { inSimulatedTask } from '../runtime/process/event-loop.ts';

let sealed = false;

/** The lockdown options, each chosen so runs stay byte-identical to an unsealed realm. */
const LOCKDOWN_OPTIONS = {
  // Keep `error.stack` as V8 makes it: the runner maps the service's stack to its
  // TypeScript lines. Stack frames give no authority (the service's code is strict); the
  // simulator's own frames are left out of the stacks a service reads (installStackFormat).
  errorTaming: 'unsafe',
  stackFiltering: 'verbose',
  // The host's console and process hooks stay as they are: the CLI and the worker report
  // their own failures, and a service's console is the simulated one.
  consoleTaming: 'unsafe',
  errorTrapping: 'none',
  unhandledRejectionTrapping: 'none',
  // Locale-dependent methods (`toLocaleString`, `localeCompare`) give the same answer on
  // every machine, whatever its locale: the same code must give the same numbers anywhere.
  localeTaming: 'safe',
  // Assigning `name`, `toString`, `constructor`… on objects whose prototype is frozen keeps
  // working, as code written for Node expects.
  overrideTaming: 'moderate',
  // Node's `domain` module is never loaded by the runner; nothing to tame.
  domainTaming: 'unsafe',
  reporting: 'none',
} as const;

export function sealRealm(): void {
  if (sealed) return;
  if (!Object.isFrozen(Array.prototype)) lockdown(LOCKDOWN_OPTIONS);
  installStackFormat();
  sealed = true;
}

/** File names the sandbox gave the code it evaluated (the service, its libraries). */
const sandboxFiles = new Set<string>();

/** Records that code evaluated as `name` is the service's: its stack frames are kept. */
export function noteSandboxFile(name: string): void {
  sandboxFiles.add(name);
}

/** A browser may resolve a sourceURL against the page: `https://…/service.ts.js`. */
function inSandbox(file: string): boolean {
  return sandboxFiles.has(file) || sandboxFiles.has(file.slice(file.lastIndexOf('/') + 1));
}

/** The part of V8's CallSite used here; eval'd code is named by its sourceURL, not a file. */
interface CallSite {
  getScriptNameOrSourceURL(): string | null | undefined;
}

/** A frame of the simulator's own code: named by a file that is not the service's. */
function isHostFrame(site: CallSite): boolean {
  const file = site.getScriptNameOrSourceURL();
  return typeof file === 'string' && file !== '' && !inSandbox(file);
}

/**
 * A stack read while a simulated thread runs (so by the service, or by the platform on its
 * behalf) keeps only the service's frames and the engine's own (`Generator.next
 * (<anonymous>)`), whoever made the error (the service, or a platform module: a query's
 * error, a fetch's). The simulator's frames would show where it is installed on this machine,
 * and their number and text differ between the command line and the browser's bundle, so a
 * service that read `err.stack` (its length, a frame) would see different values on
 * different machines. A stack read outside (the simulator's own errors, as its host reports
 * them) keeps every frame. V8 formats a stack when it is first read, which is when this runs.
 * The format is the one lockdown installs (`\n  at frame`). V8 only: elsewhere there is no
 * such hook, and none of these frames.
 */
function installStackFormat(): void {
  if (typeof Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace')?.set !== 'function') return;
  const format = (error: Error, sites: CallSite[]): string => {
    const hideHost = inSimulatedTask();
    let stack = `${error}`;
    for (const site of sites) if (!(hideHost && isHostFrame(site))) stack += `\n  at ${site}`;
    return stack;
  };
  try {
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = format;
  } catch {
    // Only where this module was loaded a second time into one realm (tests that reload
    // modules): the realm keeps the format the first load installed.
  }
}
