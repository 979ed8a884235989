import { AUTH_MESSAGES, AuthError } from "./errors.ts";

// RFC 6750 section 2.1: the scheme is case-insensitive and the credential is a b64token.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Longest header we parse; anything longer is refused before any work or caching. */
export const MAX_AUTHORIZATION_LENGTH = 8192;

/**
 * Extracts the credential from an `Authorization: Bearer <credential>` header.
 * @throws AuthError when the header is absent, too long, or not a single bearer credential.
 */
export function readBearerCredential(
  header: string | undefined,
  messages: { missing: string; malformed: string; invalid: string } = AUTH_MESSAGES,
): string {
  if (header === undefined || header.trim() === "") {
    throw new AuthError("missing", messages.missing);
  }
  if (header.length > MAX_AUTHORIZATION_LENGTH) {
    throw new AuthError("malformed", messages.invalid);
  }
  const match = BEARER.exec(header);
  if (!match?.[1]) throw new AuthError("malformed", messages.malformed);
  return match[1];
}
