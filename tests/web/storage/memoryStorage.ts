/**
 * An in-memory `Storage` for tests in Node, where there is no localStorage: a quota can be set
 * to see what the lab does with a full storage, and every access can be made to throw, as in a
 * browser that refuses storage to the page.
 */
export class MemoryStorage {
  private readonly items = new Map<string, string>();
  /** Characters of keys and values it holds at most; a write past it throws, as browsers do. */
  quotaChars = Number.POSITIVE_INFINITY;
  /** Every access throws (storage disabled, or blocked for the page). */
  unavailable = false;

  get length(): number {
    this.check();
    return this.items.size;
  }

  key(index: number): string | null {
    this.check();
    return [...this.items.keys()][index] ?? null;
  }

  getItem(key: string): string | null {
    this.check();
    return this.items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.check();
    const used = this.usedChars() - (this.items.has(key) ? key.length + this.items.get(key)!.length : 0);
    if (used + key.length + String(value).length > this.quotaChars) {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    this.items.set(key, String(value));
  }

  removeItem(key: string): void {
    this.check();
    this.items.delete(key);
  }

  clear(): void {
    this.check();
    this.items.clear();
  }

  private usedChars(): number {
    let n = 0;
    for (const [k, v] of this.items) n += k.length + v.length;
    return n;
  }

  private check(): void {
    if (this.unavailable) throw new DOMException('The operation is insecure.', 'SecurityError');
  }
}
