/** Why a credential was refused; for logs and metrics, never shown to the client verbatim. */
export type AuthFailureReason =
  | "missing"
  | "malformed"
  | "invalid"
  | "expired"
  | "not_yet_valid"
  | "claim"
  | "keys_unavailable";

/**
 * A request's credential was refused. `message` is safe to send to the client;
 * `reason` and `cause` are for the server's logs.
 */
export class AuthError extends Error {
  override readonly name = "AuthError";
  readonly code = "unauthorized" as const;
  readonly reason: AuthFailureReason;

  constructor(reason: AuthFailureReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** Client-safe messages, kept in one place so both APIs word failures the same way. */
export const AUTH_MESSAGES = {
  missing: "The Authorization header is missing. Send 'Authorization: Bearer <token>'.",
  malformed: "The Authorization header must be 'Bearer <token>'.",
  invalid: "The bearer token is missing or invalid.",
  invalidApiKey: "The API key is missing or invalid.",
  missingApiKey: "The Authorization header is missing. Send 'Authorization: bearer <API key>'.",
  malformedApiKey: "The Authorization header must be 'bearer <API key>'.",
  expired: "The bearer token has expired.",
  notYetValid: "The bearer token is not valid yet.",
  keysUnavailable: "The bearer token could not be verified right now. Try again shortly.",
} as const;
