export { AuthError, AUTH_MESSAGES, type AuthFailureReason } from "./errors.ts";
export { readBearerCredential, MAX_AUTHORIZATION_LENGTH } from "./bearer.ts";
export {
  createJwtVerifier,
  mintDevToken,
  HMAC_ALGORITHMS,
  PUBLIC_KEY_ALGORITHMS,
  MIN_SECRET_BYTES,
  MAX_ACCOUNT_ID_LENGTH,
  type JwtAlgorithm,
  type JwksFetcher,
  type JwtVerifier,
  type JwtVerifierOptions,
  type MintDevTokenOptions,
  type TokenAccount,
} from "./altostrat-jwt.ts";
export { createApiKeyAuthenticator, type ApiKeyAuthenticator, type ApiKeyAuthenticatorOptions, type KeyAccount } from "./alloy-api-key.ts";
export { ApiVersionError, checkApiVersion, SUPPORTED_API_VERSION } from "./api-version.ts";
