/**
 * The cache server a run's `redis` clients talk to: a Map in least-recently-used-first order,
 * with lazy expiry on the virtual clock. It is remote: clients reach it through round trips
 * (see modules/redis/redis.ts), and it keeps at most CACHE_KEYS_MAX keys, evicting the least
 * recently used (Redis's `allkeys-lru`), so a key leak cannot exhaust the host's memory.
 */

/** Keys the simulated server holds before it evicts the least recently used. */
export const CACHE_KEYS_MAX = 100_000;

export interface CacheStats {
  commands: number;
  hits: number;
  misses: number;
  keys: number;
  evictions: number;
}

export interface CacheEntry {
  value: string;
  /** Virtual time the key expires; Infinity when it has no TTL. */
  expiresAtMs: number;
}

export class CacheServer {
  readonly entries = new Map<string, CacheEntry>();
  stats = { commands: 0, hits: 0, misses: 0, evictions: 0 };

  /** The live entry for `key` at `nowMs`, refreshed as most recently used. */
  read(key: string, nowMs: number): CacheEntry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.expiresAtMs <= nowMs) return undefined;
    this.entries.set(key, e);
    return e;
  }

  write(key: string, e: CacheEntry): void {
    this.entries.delete(key);
    this.entries.set(key, e);
    if (this.entries.size > CACHE_KEYS_MAX) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.stats.evictions++;
    }
  }

  /** Counters for metrics; expired keys are removed lazily, as Redis does between scans, so only live ones count. */
  snapshot(nowMs: number): CacheStats {
    let keys = 0;
    for (const e of this.entries.values()) if (e.expiresAtMs > nowMs) keys++;
    return { ...this.stats, keys };
  }
}
