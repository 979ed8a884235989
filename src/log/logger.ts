import { randomBytes } from "node:crypto";
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from "pino";

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
  "headers.authorization",
  "req.headers.authorization",
  "request.headers.authorization",
  'req.headers["x-api-key"]',
  "req.headers.cookie",
  "token",
  "*.token",
  "apiKey",
  "*.apiKey",
  "secret",
  "*.secret",
  "password",
  "*.password",
];

/** Creates the process's JSON logger with credentials censored. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
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
