/**
 * localStorage behind a small typed wrapper: every key is namespaced and versioned, and a full
 * or unavailable storage never breaks the page (the lab still works, it just forgets). What is
 * read back passes its store's check first: storage outlives any one version of the page and
 * anything on the origin can write to it, so a value of the wrong shape reads as absent rather
 * than failing somewhere far from here.
 */
const PREFIX = 'tailspin:v1:';

/** The key under which `key` is stored, as a `storage` event in another tab names it. */
export function storageKey(key: string): string {
  return PREFIX + key;
}

/** The stored value under `key` when it parses and `accept` takes it; otherwise undefined. */
export function readJson<T>(key: string, accept: (value: unknown) => value is T): T | undefined {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    if (raw === null) return undefined;
    const value: unknown = JSON.parse(raw);
    return accept(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Returns false when the value could not be stored (quota, private mode). */
export function writeJson(key: string, value: unknown): boolean {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function removeKey(key: string): void {
  try {
    localStorage.removeItem(PREFIX + key);
  } catch {
    // Nothing to do: storage is unavailable.
  }
}

/** A plain object (not null, not an array): what every stored record is. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
