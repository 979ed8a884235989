import path from "node:path";
import { ADMIN_FILE_NAME } from "./apis/admin/admin-file.mjs";
import { HMAC_ALGORITHMS, MIN_SECRET_BYTES, PUBLIC_KEY_ALGORITHMS, type JwtAlgorithm } from "./auth/index.ts";
import { DEFAULT_ACCOUNT_MAX_RUNNING, type StoreLocation } from "./store/index.ts";
import { DEFAULT_ENGINE_CONFIG, DEFAULT_SANDBOX_OPTIONS, defaultSandboxProcesses } from "./core/index.ts";


/** How Altostrat bearer tokens are verified; exactly one of `secret` and `jwksUrl` is set. */
export interface JwtConfig {
  readonly secret?: string;
  readonly jwksUrl?: string;
  readonly algorithms: readonly JwtAlgorithm[];
  readonly issuer?: string;
  readonly audience?: string;
  readonly accountClaim: string;
  readonly clockSkewSeconds: number;
  /** True when the built-in development secret is in use (never in production). */
  readonly usesDevelopmentSecret: boolean;
}

/** The whole validated configuration; frozen at every level. */
export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly logLevel: LogLevel;
  /** PostgreSQL when DATABASE_URL is set, else PGlite on disk or in memory. */
  readonly store: StoreLocation;
  readonly server: {
    readonly host: string;
    readonly altostratPort: number;
    readonly alloyPort: number;
    readonly bodyLimitBytes: number;
    readonly validateResponses: boolean;
    /** Origins allowed to call the APIs from a browser (CORS_ORIGINS): "*" for any, else a list (empty: none). */
    readonly corsOrigins: "*" | readonly string[];
  };
  readonly jwt: JwtConfig;
  readonly worker: {
    readonly concurrency: number;
    /** Most runs one account may have running at once, across every process on the store. */
    readonly accountMaxRunning: number;
    readonly leaseSeconds: number;
    readonly maxAttempts: number;
    readonly pollIntervalMs: number;
    readonly shutdownDeadlineMs: number;
  };
  /** Admission control on run-creating requests (README: Configuration; src/apis/http/admission.ts). */
  readonly admission: {
    readonly maxInFlight: number;
    readonly accountMaxInFlight: number;
    readonly maxEventLoopDelayMs: number;
    readonly accountMaxQueuedRuns: number;
    readonly retryAfterSeconds: number;
  };
  readonly retention: { readonly days: number; readonly intervalMs: number };
  /** Limits on the http_request node's outbound calls. */
  readonly outbound: { readonly allowPrivateNetworks: boolean; readonly requestTimeoutMs: number };
  /** Where tenant code runs and what one evaluation may take (README: Running untrusted workflows). */
  readonly sandbox: {
    readonly processes: number;
    readonly memoryMb: number;
    readonly timeoutMs: number;
    readonly compileTimeoutMs: number;
  };
  /**
   * The admin listener: fixtures (accounts, keys, workflows) while the server holds the store. Always
   * bound to 127.0.0.1; its token is written to `file` (mode 0600) for the CLI on the same machine.
   */
  readonly admin: {
    readonly enabled: boolean;
    readonly port: number;
    readonly file: string;
    /** For the CLI: a running server's admin URL and token (REPRISE_ADMIN_URL, REPRISE_ADMIN_TOKEN) instead of the file. */
    readonly serverUrl?: string;
    readonly serverToken?: string;
  };
  /** Pacing of bulk rerun jobs: runs queued per second when a request names no rate, and the most any job gets. */
  readonly rerunJobs: {
    readonly rerunJobDefaultRate: number;
    readonly rerunJobMaxRate: number;
  };
  /** What one run may produce and take. */
  readonly runLimits: {
    readonly nodeMaxOutputBytes: number;
    readonly runMaxOutputBytes: number;
    readonly runTimeBudgetMs: number;
  };
}

// Restricted on purpose: a typo such as "prod" must not quietly enable the development secret.
const NODE_ENVS = ["development", "test", "production"] as const;
/** Accepted NODE_ENV values. */
export type NodeEnv = (typeof NODE_ENVS)[number];
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** Accepted LOG_LEVEL values (pino's). */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The HS256 secret used when NODE_ENV is not production and no key source is configured. */
export const DEVELOPMENT_JWT_SECRET = "reprise-development-secret-do-not-use-in-production";

/** One bad variable: its name, the value as shown (secrets hidden) and what was expected. */
export interface ConfigIssue {
  readonly variable: string;
  readonly value: string;
  readonly expected: string;
}

/** The environment could not be turned into a Config; lists every bad variable at once. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `  ${i.variable}=${i.value}: expected ${i.expected}`);
    super(`Invalid configuration:\n${lines.join("\n")}`);
    this.issues = issues;
  }
}

type Env = Readonly<Record<string, string | undefined>>;
const MB = 1024 * 1024;
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: MB, gb: 1024 * MB };

/**
 * Reads, validates and freezes the configuration. Empty variables count as unset.
 * @throws ConfigError naming every bad variable, its value and what it should be.
 */
/**
 * Runs a process executes at once. Runs of one claim are settled together (one statement), so a
 * larger batch costs the store little more than a small one; 32 kept the embedded store's bulk
 * figure (bench/RESULTS.md, figure 5) at about twice the throughput of 8.
 */
export const DEFAULT_WORKER_CONCURRENCY = 32;

/** Event-loop delay (ms, two samples 100 ms apart in a row) above which run-creating requests are refused (ADMISSION_MAX_EVENT_LOOP_DELAY_MS). */
export const DEFAULT_ADMISSION_MAX_EVENT_LOOP_DELAY_MS = 500;

/**
 * Runs one account may have queued (due, not started) before its new runs get 503 `overloaded`
 * (ADMISSION_ACCOUNT_MAX_QUEUED_RUNS; 0: no bound): a few seconds of what one process executes
 * (figure 5 of bench/RESULTS.md: ~550 three-node runs/s on the embedded store).
 */
export const DEFAULT_ADMISSION_ACCOUNT_MAX_QUEUED_RUNS = 2000;

/** Which thread the embedded store runs on unless STORE_THREAD says otherwise. */
export const DEFAULT_STORE_THREAD: "inline" | "worker" = "inline";

/** Run-creating requests one process serves at once before answering 503 `overloaded` (ADMISSION_MAX_IN_FLIGHT). */
export const DEFAULT_ADMISSION_MAX_IN_FLIGHT = 128;
/** Of those, what one account may hold (ADMISSION_ACCOUNT_MAX_IN_FLIGHT): half, so one tenant leaves room to the others. */
export const DEFAULT_ADMISSION_ACCOUNT_MAX_IN_FLIGHT = 64;

/** How long start-up retries an unreachable PostgreSQL before exiting 1 (STORE_STARTUP_TIMEOUT_MS). */
export const DEFAULT_STORE_STARTUP_TIMEOUT_MS = 60_000;

export function loadConfig(env: Env = process.env): Config {
  const read = createReader(env);
  const nodeEnv = read.choice("NODE_ENV", NODE_ENVS, "development");
  const production = nodeEnv === "production";
  const databaseUrl = read.databaseUrl("DATABASE_URL");
  const poolSize = read.integer("PG_POOL_SIZE", 10, 1, 1000);
  // Start-up keeps trying an unreachable PostgreSQL this long (a supervisor may start Reprise first).
  const startupTimeoutMs = read.integer("STORE_STARTUP_TIMEOUT_MS", DEFAULT_STORE_STARTUP_TIMEOUT_MS, 0, 3_600_000);
  const dataDir = read.string("REPRISE_DATA_DIR") ?? "./data";
  const storeKind = read.choice("REPRISE_STORE", ["file", "memory"] as const, "file");
  // PGlite on the serving thread, or on a worker thread of its own (bench/RESULTS.md, figure 3).
  const storeThread = read.choice("STORE_THREAD", ["inline", "worker"] as const, DEFAULT_STORE_THREAD);
  const host = read.string("HOST") ?? "127.0.0.1";
  if (/\s/.test(host)) read.fail("HOST", host, "a host name or IP address without spaces");
  const altostratPort = read.integer("ALTOSTRAT_PORT", 8081, 0, 65535);
  const alloyPort = read.integer("ALLOY_PORT", 8082, 0, 65535);
  if (alloyPort !== 0 && alloyPort === altostratPort) {
    read.fail("ALLOY_PORT", String(alloyPort), "a port different from ALTOSTRAT_PORT (each API has its own listener)");
  }
  const store: StoreLocation =
    databaseUrl !== undefined
      ? { kind: "postgres", databaseUrl, poolSize, startupTimeoutMs }
      : storeKind === "memory"
        ? { kind: "memory", thread: storeThread }
        : { kind: "file", dataDir, thread: storeThread };

  const config: Config = {
    nodeEnv,
    logLevel: read.choice("LOG_LEVEL", LOG_LEVELS, "info"),
    store,
    server: {
      host,
      altostratPort,
      alloyPort,
      bodyLimitBytes: read.size("BODY_LIMIT", MB),
      validateResponses: read.boolean("VALIDATE_RESPONSES", !production),
      corsOrigins: readCorsOrigins(read, production),
    },
    jwt: readJwt(read, production),
    worker: {
      concurrency: read.integer("WORKER_CONCURRENCY", DEFAULT_WORKER_CONCURRENCY, 1, 1000),
      // Fair share: the claim never lets one account run more than this at once, counted across every
      // process on the store, even when no other account has work (default 16, half of the default
      // WORKER_CONCURRENCY: one tenant's backlog leaves the other half of a worker to the others).
      accountMaxRunning: read.integer("ACCOUNT_MAX_RUNNING", DEFAULT_ACCOUNT_MAX_RUNNING, 1, 100_000),
      leaseSeconds: read.integer("LEASE_SECONDS", 30, 1, 86_400),
      maxAttempts: read.integer("MAX_ATTEMPTS", 3, 1, 100),
      pollIntervalMs: read.integer("POLL_INTERVAL_MS", 1000, 10, 3_600_000),
      shutdownDeadlineMs: read.integer("SHUTDOWN_DEADLINE_MS", 10_000, 0, 3_600_000),
    },
    admission: {
      // Far above what a normal load holds at once (the benchmarks' 32 connections hold 32), and low
      // enough that an accepted request waits at most a few hundred ms behind the others (bench/RESULTS.md).
      maxInFlight: read.integer("ADMISSION_MAX_IN_FLIGHT", DEFAULT_ADMISSION_MAX_IN_FLIGHT, 1, 100_000),
      accountMaxInFlight: read.integer("ADMISSION_ACCOUNT_MAX_IN_FLIGHT", DEFAULT_ADMISSION_ACCOUNT_MAX_IN_FLIGHT, 1, 100_000),
      // Far above the delay of a busy loop that keeps up (tens of ms); past the sustainable rate it grows to seconds.
      maxEventLoopDelayMs: read.integer("ADMISSION_MAX_EVENT_LOOP_DELAY_MS", DEFAULT_ADMISSION_MAX_EVENT_LOOP_DELAY_MS, 0, 60_000),
      accountMaxQueuedRuns: read.integer("ADMISSION_ACCOUNT_MAX_QUEUED_RUNS", DEFAULT_ADMISSION_ACCOUNT_MAX_QUEUED_RUNS, 0, 10_000_000),
      retryAfterSeconds: read.integer("ADMISSION_RETRY_AFTER_SECONDS", 1, 1, 3600),
    },
    retention: {
      days: read.integer("RETENTION_DAYS", 7, 1, 36_500),
      intervalMs: read.integer("RETENTION_INTERVAL_MS", 3_600_000, 1000, 2_147_483_647),
    },
    outbound: {
      allowPrivateNetworks: read.boolean("HTTP_ALLOW_PRIVATE_NETWORKS", false),
      requestTimeoutMs: read.integer("HTTP_REQUEST_TIMEOUT_MS", 10_000, 1, 600_000),
    },
    sandbox: {
      processes: read.integer("SANDBOX_PROCESSES", defaultSandboxProcesses(), 1, 64),
      memoryMb: read.integer("SANDBOX_MEMORY_MB", DEFAULT_SANDBOX_OPTIONS.memoryMb, 16, 4096),
      timeoutMs: read.integer("SANDBOX_TIMEOUT_MS", DEFAULT_SANDBOX_OPTIONS.timeoutMs, 10, 300_000),
      compileTimeoutMs: read.integer("SANDBOX_COMPILE_TIMEOUT_MS", DEFAULT_SANDBOX_OPTIONS.compileTimeoutMs, 100, 300_000),
    },
    admin: {
      // On by default only in development: a test or production process opens no extra listener.
      enabled: read.boolean("ADMIN_LISTENER", nodeEnv === "development"),
      // Any free port by default: the CLI finds it in the admin file, so nothing can collide.
      port: read.integer("ADMIN_PORT", 0, 0, 65535),
      file: path.join(dataDir, ADMIN_FILE_NAME),
      ...optional("serverUrl", read.url("REPRISE_ADMIN_URL", false)),
      ...optional("serverToken", read.string("REPRISE_ADMIN_TOKEN")),
    },
    rerunJobs: {
      rerunJobDefaultRate: read.integer("RERUN_JOB_DEFAULT_RATE", DEFAULT_ENGINE_CONFIG.rerunJobDefaultRate, 1, 10_000),
      rerunJobMaxRate: read.integer("RERUN_JOB_MAX_RATE", DEFAULT_ENGINE_CONFIG.rerunJobMaxRate, 1, 10_000),
    },
    runLimits: {
      nodeMaxOutputBytes: read.size("NODE_MAX_OUTPUT", DEFAULT_ENGINE_CONFIG.nodeMaxOutputBytes),
      runMaxOutputBytes: read.size("RUN_MAX_OUTPUT", DEFAULT_ENGINE_CONFIG.runMaxOutputBytes),
      runTimeBudgetMs: read.integer("RUN_TIME_BUDGET_MS", DEFAULT_ENGINE_CONFIG.runTimeBudgetMs, 1000, 86_400_000),
    },
  };
  if (read.issues.length > 0) throw new ConfigError(read.issues);
  return deepFreeze(config);
}

function readJwt(read: Reader, production: boolean): JwtConfig {
  let secret = read.string("JWT_SECRET");
  const jwksUrl = read.url("JWT_JWKS_URL", production);
  if (secret !== undefined && jwksUrl !== undefined) {
    read.fail("JWT_JWKS_URL", jwksUrl, "unset when JWT_SECRET is set (choose one key source)");
  }
  if (secret !== undefined && Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    read.report("JWT_SECRET", hidden(secret), `at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (production && secret === DEVELOPMENT_JWT_SECRET) {
    read.report("JWT_SECRET", hidden(secret), "a secret of your own, not the development default, when NODE_ENV=production");
  }
  // Set-ness, not validity, decides the fallback, so one bad URL is not also reported as "missing".
  const noKeySource = secret === undefined && read.string("JWT_JWKS_URL") === undefined;
  const usesDevelopmentSecret = noKeySource && !production;
  if (noKeySource && production) {
    read.report("JWT_SECRET", "(unset)", "JWT_SECRET or JWT_JWKS_URL to be set when NODE_ENV=production");
  }
  if (usesDevelopmentSecret) secret = DEVELOPMENT_JWT_SECRET;
  // Pinning the family to the key source is what stops RS256/HS256 confusion.
  const algorithms =
    jwksUrl !== undefined
      ? read.list("JWT_ALGORITHMS", PUBLIC_KEY_ALGORITHMS, ["RS256"], "with JWT_JWKS_URL")
      : read.list("JWT_ALGORITHMS", HMAC_ALGORITHMS, ["HS256"], "with JWT_SECRET");
  const accountClaim = read.string("JWT_ACCOUNT_CLAIM") ?? "account_id";
  return {
    ...(secret !== undefined && jwksUrl === undefined ? { secret } : {}),
    ...(jwksUrl !== undefined ? { jwksUrl } : {}),
    algorithms,
    ...optional("issuer", read.string("JWT_ISSUER")),
    ...optional("audience", read.string("JWT_AUDIENCE")),
    accountClaim,
    clockSkewSeconds: read.integer("JWT_CLOCK_SKEW_SECONDS", 30, 0, 3600),
    usesDevelopmentSecret,
  };
}

/** CORS_ORIGINS: `*` or a comma list of origins; unset means any origin, or none when NODE_ENV=production. */
function readCorsOrigins(read: Reader, production: boolean): "*" | readonly string[] {
  const raw = read.string("CORS_ORIGINS");
  if (raw === undefined) return production ? [] : "*";
  if (raw.trim() === "*") return "*";
  const origins: string[] = [];
  for (const item of raw.split(",").map((part) => part.trim()).filter(Boolean)) {
    const url = URL.canParse(item) ? new URL(item) : undefined;
    // An origin is scheme://host[:port] and nothing else: browsers send exactly that in the Origin header.
    const bare = url !== undefined && url.pathname === "/" && url.search === "" && url.hash === "" && url.username === "" && url.password === "";
    if (!url || !/^https?:$/.test(url.protocol) || !bare || /^[a-z]+:\/\/[^/]*\/[^/]/i.test(item) || /[?#]/.test(item)) {
      read.fail("CORS_ORIGINS", raw, "'*' or a comma-separated list of origins such as 'http://localhost:5173,https://app.example.com' (scheme, host and port; no path)");
      return production ? [] : "*";
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return origins;
}

type Reader = ReturnType<typeof createReader>;

function createReader(env: Env) {
  const issues: ConfigIssue[] = [];
  // `shown` is how the value appears in the message: quoted and cut short, or a placeholder.
  const report = (variable: string, shown: string, expected: string): void => {
    issues.push({ variable, value: shown, expected });
  };
  const fail = (variable: string, raw: string, expected: string): void => {
    report(variable, `'${raw.length > 120 ? `${raw.slice(0, 120)}…` : raw}'`, expected);
  };
  const string = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === "" ? undefined : value;
  };
  return {
    issues,
    fail,
    report,
    string,
    integer(name: string, fallback: number, min: number, max: number): number {
      const raw = string(name);
      if (raw === undefined) return fallback;
      const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
      if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
      fail(name, raw, `an integer from ${min} to ${max}`);
      return fallback;
    },
    boolean(name: string, fallback: boolean): boolean {
      const raw = string(name);
      if (raw === undefined) return fallback;
      if (raw === "true" || raw === "false") return raw === "true";
      fail(name, raw, "'true' or 'false'");
      return fallback;
    },
    choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
      const raw = string(name);
      if (raw === undefined) return fallback;
      if ((choices as readonly string[]).includes(raw)) return raw as T;
      fail(name, raw, `one of ${choices.map((c) => `'${c}'`).join(", ")}`);
      return fallback;
    },
    list<T extends string>(name: string, choices: readonly T[], fallback: readonly T[], when: string): readonly T[] {
      const raw = string(name);
      if (raw === undefined) return fallback;
      const items = raw.split(",").map((item) => item.trim());
      if (items.every((item) => (choices as readonly string[]).includes(item))) return items as T[];
      fail(name, raw, `a comma-separated list of ${choices.join(", ")} ${when}`);
      return fallback;
    },
    size(name: string, fallback: number): number {
      const raw = string(name);
      if (raw === undefined) return fallback;
      const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(raw.trim());
      const bytes = match ? Math.floor(Number(match[1]) * (SIZE_UNITS[(match[2] ?? "b").toLowerCase()] ?? 1)) : 0;
      if (bytes >= 1 && bytes <= 1024 * MB) return bytes;
      fail(name, raw, "a size from 1 byte to 1gb, as bytes or with a unit: '512kb', '1mb'");
      return fallback;
    },
    databaseUrl(name: string): string | undefined {
      const raw = string(name);
      if (raw === undefined) return undefined;
      const protocol = URL.canParse(raw) ? new URL(raw).protocol : "";
      if (protocol === "postgres:" || protocol === "postgresql:") return raw;
      // The value may hold a password: echo it masked when it parses, not at all otherwise.
      report(name, protocol === "" ? hidden(raw) : `'${maskPassword(raw)}'`, "a postgres:// or postgresql:// URL");
      return undefined;
    },
    url(name: string, requireHttps: boolean): string | undefined {
      const raw = string(name);
      if (raw === undefined) return undefined;
      const protocol = URL.canParse(raw) ? new URL(raw).protocol : "";
      if (protocol === "https:" || (protocol === "http:" && !requireHttps)) return raw;
      fail(name, raw, requireHttps ? "an https:// URL when NODE_ENV=production" : "an http:// or https:// URL");
      return undefined;
    },
  };
}

function hidden(secret: string): string {
  return `(hidden, ${Buffer.byteLength(secret)} bytes)`;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A copy of the config safe to log: the JWT secret and any database password are masked. */
export function redactConfig(config: Config): unknown {
  const store =
    config.store.kind === "postgres" ? { ...config.store, databaseUrl: maskPassword(config.store.databaseUrl) } : config.store;
  const jwt = config.jwt.secret === undefined ? config.jwt : { ...config.jwt, secret: "[redacted]" };
  return { ...config, store, jwt };
}

function maskPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== "") parsed.password = "redacted";
  return parsed.toString();
}
