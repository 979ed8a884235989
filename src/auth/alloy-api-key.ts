import { displayPrefixOf, hashApiKey, isApiKey } from "../shared/api-key.ts";
import { readBearerCredential } from "./bearer.ts";
import { AUTH_MESSAGES, AuthError } from "./errors.ts";
import { createLruCache } from "../shared/lru-cache.ts";

const API_KEY_MESSAGES = { missing: AUTH_MESSAGES.missingApiKey, malformed: AUTH_MESSAGES.malformedApiKey, invalid: AUTH_MESSAGES.invalidApiKey };

/** Options for {@link createApiKeyAuthenticator}. */
export interface ApiKeyAuthenticatorOptions {
  /** Looks a well-formed key up (normally `engine.resolveApiKey`): its account id, or null when unknown or revoked. */
  resolveKey: (plaintext: string) => Promise<string | null>;
  /** How long a resolved key is trusted without asking the store again (default 30,000 ms). */
  cacheTtlMs?: number;
  /** Most keys kept in memory (default 10,000). */
  cacheSize?: number;
  /** Milliseconds since the epoch; defaults to `Date.now`. */
  clock?: () => number;
}

/** Who an API key speaks for. */
export interface KeyAccount {
  readonly accountId: string;
  /** The key's display prefix, for logs; never the whole key. */
  readonly keyPrefix: string;
}

/** Authenticates `Authorization: Bearer alloy_…` headers for the Alloy API. */
export interface ApiKeyAuthenticator {
  /** Resolves the key's account, or throws AuthError; store failures propagate unchanged. */
  authenticate(authorizationHeader: string | undefined): Promise<KeyAccount>;
  /** Drops a key hash from this process's cache, e.g. right after revoking it here. */
  forgetHash(hash: string): void;
}

/**
 * Creates an authenticator that keeps the store off the hot path by caching
 * resolved keys for `cacheTtlMs`. Consequence: a revoked key keeps working for up
 * to that long in every process that saw it (except one that calls `forgetHash`).
 * Unknown keys are not cached, so a key works the moment it is created.
 */
export function createApiKeyAuthenticator(options: ApiKeyAuthenticatorOptions): ApiKeyAuthenticator {
  const clock = options.clock ?? Date.now;
  const ttlMs = options.cacheTtlMs ?? 30_000;
  if (!Number.isFinite(ttlMs) || ttlMs < 0) throw new TypeError(`cacheTtlMs must be >= 0, got ${ttlMs}`);
  // Promises are cached so a burst of requests with a cold key costs one store lookup.
  const cache = createLruCache<Promise<string | null>>(ttlMs === 0 ? 0 : (options.cacheSize ?? 10_000));

  // Keyed by hash, so the cache keeps no plaintext key.
  async function resolveAccount(key: string): Promise<string | null> {
    const hash = hashApiKey(key);
    const now = clock();
    const cached = cache.get(hash, now);
    if (cached !== undefined) return cached;
    const pending = options.resolveKey(key);
    cache.set(hash, pending, now + ttlMs);
    try {
      const accountId = await pending;
      if (accountId === null) cache.delete(hash);
      return accountId;
    } catch (error) {
      cache.delete(hash);
      throw error;
    }
  }

  return {
    async authenticate(authorizationHeader) {
      const key = readBearerCredential(authorizationHeader, API_KEY_MESSAGES);
      // Refuse anything that cannot be a key before hashing or touching the store.
      if (!isApiKey(key)) throw new AuthError("invalid", AUTH_MESSAGES.invalidApiKey);
      const accountId = await resolveAccount(key);
      if (accountId === null || accountId === "") {
        throw new AuthError("invalid", AUTH_MESSAGES.invalidApiKey);
      }
      return { accountId, keyPrefix: displayPrefixOf(key) };
    },
    forgetHash(hash) {
      cache.delete(hash);
    },
  };
}
