import { randomBytes } from "node:crypto";
import { hashApiKey } from "../shared/api-key-hash.ts";
import { readBearerCredential } from "./bearer.ts";
import { AUTH_MESSAGES, AuthError } from "./errors.ts";
import { createLruCache } from "../shared/lru-cache.ts";

/** Every Alloy API key starts with this, so leaked keys are easy to recognise and scan for. */
export const API_KEY_PREFIX = "alloy_";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SECRET_LENGTH = 40;
// Characters of the key shown in listings: the marker plus 6 of the ~238 random bits.
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;
const API_KEY_SHAPE = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${SECRET_LENGTH}}$`);
const API_KEY_MESSAGES = { missing: AUTH_MESSAGES.missingApiKey, malformed: AUTH_MESSAGES.malformedApiKey, invalid: AUTH_MESSAGES.invalidApiKey };

/** A freshly generated key: the plaintext is shown once, only `hash` and `prefix` are stored. */
export interface GeneratedApiKey {
  plaintext: string;
  hash: string;
  prefix: string;
}

/** Generates `alloy_` + 40 uniformly random base62 characters. */
export function generateApiKey(): GeneratedApiKey {
  let secret = "";
  while (secret.length < SECRET_LENGTH) {
    for (const byte of randomBytes(SECRET_LENGTH)) {
      // 248 = 4 * 62: bytes above it are dropped so every character is equally likely.
      if (byte < 248 && secret.length < SECRET_LENGTH) secret += BASE62[byte % 62];
    }
  }
  const plaintext = API_KEY_PREFIX + secret;
  return { plaintext, hash: hashApiKey(plaintext), prefix: plaintext.slice(0, DISPLAY_PREFIX_LENGTH) };
}

export { hashApiKey };

/** Options for {@link createApiKeyAuthenticator}. */
export interface ApiKeyAuthenticatorOptions {
  /** Looks a key hash up in the store: the owning account id, or null when unknown or revoked. */
  resolveHash: (hash: string) => Promise<string | null>;
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

  async function resolveAccount(hash: string): Promise<string | null> {
    const now = clock();
    const cached = cache.get(hash, now);
    if (cached !== undefined) return cached;
    const pending = options.resolveHash(hash);
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
      if (!API_KEY_SHAPE.test(key)) throw new AuthError("invalid", AUTH_MESSAGES.invalidApiKey);
      const accountId = await resolveAccount(hashApiKey(key));
      if (accountId === null || accountId === "") {
        throw new AuthError("invalid", AUTH_MESSAGES.invalidApiKey);
      }
      return { accountId, keyPrefix: key.slice(0, DISPLAY_PREFIX_LENGTH) };
    },
    forgetHash(hash) {
      cache.delete(hash);
    },
  };
}
