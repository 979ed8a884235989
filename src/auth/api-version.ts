/** The only Alloy API version this service implements. */
export const SUPPORTED_API_VERSION = "2025-09";

// Long enough for any plausible version string; longer values are cut before being echoed back.
const MAX_ECHOED_LENGTH = 40;

/** The `x-api-version` header was absent or named a version this service does not serve. */
export class ApiVersionError extends Error {
  override readonly name = "ApiVersionError";
  readonly code = "unsupported_api_version" as const;
  /** The header value as received (undefined when absent). */
  readonly received: string | undefined;

  constructor(received: string | undefined) {
    super(
      received === undefined
        ? `The x-api-version header is required. The supported version is ${SUPPORTED_API_VERSION}.`
        : `Unsupported x-api-version '${truncate(received)}'. The supported version is ${SUPPORTED_API_VERSION}.`,
    );
    this.received = received;
  }
}

/**
 * Checks an Alloy request's `x-api-version` header; an empty header counts as missing.
 * @throws ApiVersionError unless the value is exactly {@link SUPPORTED_API_VERSION}.
 */
export function checkApiVersion(header: string | readonly string[] | undefined): typeof SUPPORTED_API_VERSION {
  // Node joins repeated custom headers with ", ", but an array can still reach here from other callers.
  const value = Array.isArray(header) ? header.join(", ") : (header as string | undefined);
  if (value === SUPPORTED_API_VERSION) return SUPPORTED_API_VERSION;
  throw new ApiVersionError(value === undefined || value === "" ? undefined : value);
}

function truncate(value: string): string {
  return value.length > MAX_ECHOED_LENGTH ? `${value.slice(0, MAX_ECHOED_LENGTH)}…` : value;
}
