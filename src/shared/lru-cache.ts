/**
 * A Map with a size cap that evicts the least recently used entry. Entries
 * carry their own expiry so callers decide freshness against an injected clock.
 */
export interface LruCache<V> {
  get(key: string, now: number): V | undefined;
  set(key: string, value: V, expiresAt: number): void;
  delete(key: string): void;
  /** Drops every entry. */
  clear(): void;
  readonly size: number;
}

/** Creates a bounded LRU; `maxEntries` of 0 disables caching entirely. */
export function createLruCache<V>(maxEntries: number): LruCache<V> {
  if (!Number.isInteger(maxEntries) || maxEntries < 0) {
    throw new TypeError(`cache size must be a non-negative integer, got ${maxEntries}`);
  }
  // Map iterates in insertion order, so re-inserting on a hit keeps the oldest entry first.
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key, now) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (now >= entry.expiresAt) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, expiresAt) {
      if (maxEntries === 0) return;
      entries.delete(key);
      entries.set(key, { value, expiresAt });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
