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

let sealed = false;

/** The lockdown options, each chosen so runs stay byte-identical to an unsealed realm. */
const LOCKDOWN_OPTIONS = {
  // Keep `error.stack` as V8 makes it: the runner maps the service's stack to its
  // TypeScript lines. Stack frames give no authority (the service's code is strict).
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
  sealed = true;
}
