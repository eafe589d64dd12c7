/**
 * localStorage behind a small typed wrapper: every key is namespaced and versioned, and a full
 * or unavailable storage never breaks the page (the lab still works, it just forgets).
 */
const PREFIX = 'tailspin:v1:';

export function readJson<T>(key: string): T | undefined {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
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
