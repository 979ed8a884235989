import {
  createRemoteJWKSet,
  customFetch,
  errors,
  jwtVerify,
  SignJWT,
  type FetchImplementation,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import { readBearerCredential } from "./bearer.ts";
import { AUTH_MESSAGES, AuthError } from "./errors.ts";
import { createLruCache } from "../shared/lru-cache.ts";
import { isStorableText } from "../shared/unstorable-text.ts";

/** HMAC algorithms, accepted only with a shared secret. */
export const HMAC_ALGORITHMS = ["HS256", "HS384", "HS512"] as const;
/** Public-key algorithms, accepted only with a JWKS URL. */
export const PUBLIC_KEY_ALGORITHMS = [
  "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
] as const;
/** A JWS algorithm this service can be pinned to (never `none`). */
export type JwtAlgorithm = (typeof HMAC_ALGORITHMS)[number] | (typeof PUBLIC_KEY_ALGORITHMS)[number];
/** Fetches the JWKS document; injectable so tests and proxies need no global patching. */
export type JwksFetcher = FetchImplementation;

/** Longest account id a token may name; longer claims are refused (401) before anything is looked up. */
export const MAX_ACCOUNT_ID_LENGTH = 255;

/** Shortest HMAC secret accepted: 256 bits, the HS256 output size (RFC 7518 section 3.2). */
export const MIN_SECRET_BYTES = 32;

/** Options for {@link createJwtVerifier}; exactly one of `secret` or `jwksUrl`. */
export interface JwtVerifierOptions {
  secret?: string | Uint8Array;
  jwksUrl?: string | URL;
  algorithms: readonly JwtAlgorithm[];
  issuer?: string;
  audience?: string;
  /** Claim holding the account id, e.g. `account_id`. */
  accountClaim: string;
  clockSkewSeconds: number;
  /** Milliseconds since the epoch; defaults to `Date.now`. */
  clock?: () => number;
  fetcher?: JwksFetcher;
  /** Most verified tokens kept in memory (default 10,000; 0 disables the cache). */
  cacheSize?: number;
  /** JWKS request timeout in ms (default 5,000). */
  jwksTimeoutMs?: number;
}

/** Who a verified token speaks for. */
export interface TokenAccount {
  readonly accountId: string;
  readonly subject?: string;
}

/** Verifies `Authorization: Bearer <jwt>` headers for the Altostrat API. */
export interface JwtVerifier {
  /** Resolves the token's account, or throws AuthError with a client-safe message. */
  verify(authorizationHeader: string | undefined): Promise<TokenAccount>;
}

/**
 * Creates a verifier with the key prepared once and verified tokens cached until
 * `exp` (plus skew). Only successes are cached: a cache of failures would let
 * anyone evict good entries with garbage, and a bad signature costs one HMAC.
 * With a JWKS, a cached token outlives the removal of its signing key until `exp`.
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const algorithms = checkAlgorithms(options);
  const clock = options.clock ?? Date.now;
  const skewMs = options.clockSkewSeconds * 1000;
  const usesJwks = options.jwksUrl !== undefined;
  const getKey: JWTVerifyGetKey = usesJwks
    ? createRemoteJWKSet(new URL(options.jwksUrl as string | URL), {
        [customFetch]: options.fetcher,
        timeoutDuration: options.jwksTimeoutMs ?? 5000,
      })
    : createSecretKeyGetter(toSecretBytes(options.secret as string | Uint8Array), algorithms);
  const cache = createLruCache<TokenAccount>(options.cacheSize ?? 10_000);
  const baseOptions = {
    algorithms: [...algorithms],
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockSkewSeconds,
    requiredClaims: ["exp"],
  };

  return {
    async verify(authorizationHeader) {
      const token = readBearerCredential(authorizationHeader);
      const now = clock();
      const cached = cache.get(token, now);
      if (cached !== undefined) return cached;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, { ...baseOptions, currentDate: new Date(now) }));
      } catch (error) {
        throw toAuthError(error, usesJwks);
      }
      const account = readAccount(payload, options.accountClaim);
      // jose treats a token as expired once exp <= now - skew; the cache uses the same edge.
      cache.set(token, account, (payload.exp as number) * 1000 + skewMs);
      return account;
    },
  };
}

/** Options for {@link mintDevToken}. */
export interface MintDevTokenOptions {
  secret: string | Uint8Array;
  accountId: string;
  expiresInSeconds: number;
  clock?: () => number;
  accountClaim?: string;
  issuer?: string;
  audience?: string;
}

/** Signs an HS256 token for local development and the CLI `token` command. */
export async function mintDevToken(options: MintDevTokenOptions): Promise<string> {
  if (options.accountId === "") throw new TypeError("accountId must not be empty");
  if (!Number.isInteger(options.expiresInSeconds) || options.expiresInSeconds <= 0) {
    throw new TypeError(`expiresInSeconds must be a positive integer, got ${options.expiresInSeconds}`);
  }
  const nowSeconds = Math.floor((options.clock ?? Date.now)() / 1000);
  const jwt = new SignJWT({ [options.accountClaim ?? "account_id"]: options.accountId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(options.accountId)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + options.expiresInSeconds);
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt.sign(toSecretBytes(options.secret));
}

function checkAlgorithms(options: JwtVerifierOptions): readonly JwtAlgorithm[] {
  const hasSecret = options.secret !== undefined;
  if (hasSecret === (options.jwksUrl !== undefined)) {
    throw new TypeError("createJwtVerifier needs exactly one of secret or jwksUrl");
  }
  const allowed: readonly string[] = hasSecret ? HMAC_ALGORITHMS : PUBLIC_KEY_ALGORITHMS;
  const wrong = options.algorithms.filter((alg) => !allowed.includes(alg));
  if (options.algorithms.length === 0 || wrong.length > 0) {
    throw new TypeError(
      `algorithms [${options.algorithms.join(", ")}] do not fit a ${hasSecret ? "secret" : "JWKS"}; allowed: ${allowed.join(", ")}`,
    );
  }
  if (!Number.isFinite(options.clockSkewSeconds) || options.clockSkewSeconds < 0) {
    throw new TypeError(`clockSkewSeconds must be >= 0, got ${options.clockSkewSeconds}`);
  }
  return options.algorithms;
}

function toSecretBytes(secret: string | Uint8Array): Uint8Array {
  const bytes = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new TypeError(`the JWT secret must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.byteLength}`);
  }
  return bytes;
}

// jose re-imports a raw Uint8Array secret on every call; a CryptoKey per pinned
// algorithm, imported once, halves the cost of a verification.
function createSecretKeyGetter(secret: Uint8Array, algorithms: readonly JwtAlgorithm[]): JWTVerifyGetKey {
  const keys = new Map(
    algorithms.map((alg) => {
      const hash = `SHA-${alg.slice(2)}`;
      const key = crypto.subtle.importKey("raw", secret, { name: "HMAC", hash }, false, ["verify"]);
      return [alg as string, key] as const;
    }),
  );
  return (header) => {
    const key = keys.get(header.alg ?? "");
    if (key === undefined) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
    return key;
  };
}

// C0 and C1 control characters (NUL among them) and DEL: never part of an account id, and unsafe in logs.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

function readAccount(payload: JWTPayload, accountClaim: string): TokenAccount {
  const accountId = payload[accountClaim];
  if (typeof accountId !== "string" || accountId === "") {
    throw new AuthError("claim", `The bearer token has no usable '${accountClaim}' claim.`);
  }
  // The account id is a store key: text the store cannot hold (NUL, an unpaired surrogate) would fail
  // every query with a 500, and an unbounded one would be written as is when the account is created.
  if (accountId.length > MAX_ACCOUNT_ID_LENGTH || CONTROL_CHARACTER.test(accountId) || !isStorableText(accountId)) {
    throw new AuthError(
      "claim",
      `The bearer token's '${accountClaim}' claim must be at most ${MAX_ACCOUNT_ID_LENGTH} characters, without control characters or unpaired UTF-16 surrogates.`,
    );
  }
  return Object.freeze(typeof payload.sub === "string" ? { accountId, subject: payload.sub } : { accountId });
}

// Codes that mean "this token is bad", as opposed to "the keys could not be fetched".
const TOKEN_ERROR_CODES = new Set<string>([
  errors.JWSInvalid.code,
  errors.JWTInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
]);

function toAuthError(error: unknown, usesJwks: boolean): AuthError {
  if (error instanceof errors.JWTExpired) {
    return new AuthError("expired", AUTH_MESSAGES.expired, { cause: error });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return new AuthError("not_yet_valid", AUTH_MESSAGES.notYetValid, { cause: error });
    const message =
      error.reason === "missing"
        ? `The bearer token has no '${error.claim}' claim.`
        : `The bearer token's '${error.claim}' claim is not accepted.`;
    return new AuthError("claim", message, { cause: error });
  }
  const isTokenError = error instanceof errors.JOSEError && TOKEN_ERROR_CODES.has(error.code);
  if (usesJwks && !isTokenError) {
    return new AuthError("keys_unavailable", AUTH_MESSAGES.keysUnavailable, { cause: error });
  }
  return new AuthError("invalid", AUTH_MESSAGES.invalid, { cause: error });
}
