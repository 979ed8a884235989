import { createHash, randomInt } from "node:crypto";

/** Every Alloy API key starts with this, so a leaked key is easy to recognise and scan for. */
export const API_KEY_MARKER = "alloy_";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SECRET_LENGTH = 40;
/** A key's shape as unanchored regular-expression source, for finding keys inside text (log scrubbing). */
export const API_KEY_PATTERN = `${API_KEY_MARKER}[0-9A-Za-z]{${SECRET_LENGTH}}`;
const API_KEY_FORMAT = new RegExp(`^${API_KEY_PATTERN}$`);
// The marker and 4 of the ~238 random bits: enough to tell an account's keys apart in a listing, far
// too little to guess a key from. Every key stored so far has a prefix of exactly this length.
const DISPLAY_PREFIX_LENGTH = API_KEY_MARKER.length + 4;

/** A freshly generated key: the plaintext is shown once; only `hash` and `prefix` are stored. */
export interface GeneratedApiKey {
  plaintext: string;
  hash: string;
  prefix: string;
}

/**
 * Generates `alloy_` + 40 uniformly random base62 characters (`randomInt` has no modulo bias).
 * @example const { plaintext, hash, prefix } = generateApiKey();
 */
export function generateApiKey(): GeneratedApiKey {
  let secret = "";
  for (let i = 0; i < SECRET_LENGTH; i++) secret += BASE62[randomInt(BASE62.length)];
  const plaintext = API_KEY_MARKER + secret;
  return { plaintext, hash: hashApiKey(plaintext), prefix: displayPrefixOf(plaintext) };
}

/** True when `text` has the shape of an API key; anything else is refused before hashing or a lookup. */
export function isApiKey(text: string): boolean {
  return API_KEY_FORMAT.test(text);
}

/** SHA-256 hex of a key: keys are long and random, so a fast hash suffices and allows lookup by hash. */
export function hashApiKey(plaintext: string): string {
  return createHash("sha256").update(plaintext, "utf8").digest("hex");
}

/** The first characters of a key, shown in listings and logs instead of the key. */
export function displayPrefixOf(plaintext: string): string {
  return plaintext.slice(0, DISPLAY_PREFIX_LENGTH);
}
