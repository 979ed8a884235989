import { randomBytes } from "node:crypto";
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from "pino";
import { API_KEY_PATTERN } from "../shared/api-key.ts";

export type { Logger } from "pino";

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  level: LevelWithSilent;
  /** Where JSON lines go; defaults to stdout. Tests pass an in-memory stream. */
  destination?: DestinationStream;
}

// Credentials can reach a log line through request headers or through a logged
// object; both shapes are censored, one nesting level deep for objects.
const REDACTED_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "req.headers.authorization",
  "request.headers.authorization",
  '["x-api-key"]',
  '*["x-api-key"]',
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  'req.headers["x-api-key"]',
  "headers.cookie",
  "*.headers.cookie",
  "req.headers.cookie",
  "token",
  "*.token",
  "webhookToken",
  "*.webhookToken",
  "apiKey",
  "*.apiKey",
  "secret",
  "*.secret",
  "password",
  "*.password",
];

// Whatever shape a line has (an error message, a URL, a field nobody thought of), these never leave
// the process: Alloy API keys, webhook tokens, JWTs, and the credential of a Bearer or Basic header.
// The patterns match no quote or backslash, and never start inside a `\uXXXX` escape (an `a`, `b` or
// `e` there is a hex digit, not text), so a replacement keeps the JSON line valid.
const CREDENTIAL = new RegExp(
  String.raw`(?<!(?:^|[^\\])(?:\\\\)*\\u[0-9A-Fa-f]{0,3})(?:${API_KEY_PATTERN}(?![0-9A-Za-z])|whk_[0-9a-z]{32}(?![0-9a-z])|eyJ[\w-]{2,}\.[\w-]{2,}\.[\w-]*|\b(bearer|basic) +[\w\-.~+/]{8,}=*)`,
  "gi",
);

/** Replaces every credential-shaped string of a serialized log line with `[redacted]`. */
export function scrubCredentials(line: string): string {
  return line.replace(CREDENTIAL, (_match, scheme: string | undefined) => (scheme ? `${scheme} [redacted]` : "[redacted]"));
}

/** Creates the process's JSON logger with credentials censored. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      hooks: { streamWrite: scrubCredentials },
    },
    options.destination,
  );
}

const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

// Random bytes drawn 4 KiB at a time: one system call per ~150 ids instead of one per id.
let pool = Buffer.alloc(0);
let poolAt = 0;

function randomByte(): number {
  if (poolAt >= pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

/** Makes a request id, `req_` + 24 random [0-9a-z], echoed to clients and written to logs. */
export function createRequestId(): string {
  let id = "req_";
  // 252 = 7 * 36: larger bytes are skipped to keep characters uniform.
  while (id.length < 28) {
    const byte = randomByte();
    if (byte < 252) id += ID_ALPHABET[byte % 36];
  }
  return id;
}
