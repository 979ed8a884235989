import { describe, expect, it } from "vitest";
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig, redactConfig, type Config } from "../src/config.ts";
import { defaultSandboxProcesses } from "../src/core/index.ts";

const SECRET = "0123456789abcdef0123456789abcdef"; // exactly 32 bytes

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("gives documented defaults for an empty development environment", () => {
    const config = loadConfig({});
    expect(config).toEqual({
      nodeEnv: "development",
      logLevel: "info",
      store: { kind: "file", dataDir: "./data", thread: "inline" },
      server: { host: "127.0.0.1", altostratPort: 8081, alloyPort: 8082, bodyLimitBytes: 1024 * 1024, validateResponses: true, corsOrigins: "*" },
      jwt: {
        secret: DEVELOPMENT_JWT_SECRET,
        algorithms: ["HS256"],
        accountClaim: "account_id",
        clockSkewSeconds: 30,
        usesDevelopmentSecret: true,
      },
      worker: { concurrency: 32, accountMaxRunning: 16, leaseSeconds: 30, maxAttempts: 3, pollIntervalMs: 1000, shutdownDeadlineMs: 10_000 },
      admission: { maxInFlight: 128, accountMaxInFlight: 64, maxEventLoopDelayMs: 500, accountMaxQueuedRuns: 2000, retryAfterSeconds: 1 },
      retention: { days: 7, intervalMs: 3_600_000 },
      outbound: { allowPrivateNetworks: false, requestTimeoutMs: 10_000 },
      sandbox: { processes: defaultSandboxProcesses(), memoryMb: 64, timeoutMs: 1000, compileTimeoutMs: 5000 },
      admin: { enabled: true, port: 0, file: "data/admin.json" },
      rerunJobs: { rerunJobDefaultRate: 50, rerunJobMaxRate: 500 },
      runLimits: { nodeMaxOutputBytes: 2 * 1024 * 1024, runMaxOutputBytes: 8 * 1024 * 1024, runTimeBudgetMs: 600_000 },
    } satisfies Config);
  });

  it("returns an object frozen at every level", () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.jwt.algorithms)).toBe(true);
  });

  it("ignores the real process environment unless it is passed", () => {
    expect(loadConfig({ ALTOSTRAT_PORT: "9000" }).server.altostratPort).toBe(9000);
  });

  const good: { name: string; given: Record<string, string>; want: (c: Config) => unknown; value: unknown }[] = [
    { name: "DATABASE_URL selects PostgreSQL", given: { DATABASE_URL: "postgres://u:p@db/reprise", PG_POOL_SIZE: "4", REPRISE_STORE: "memory" }, want: (c) => c.store, value: { kind: "postgres", databaseUrl: "postgres://u:p@db/reprise", poolSize: 4, startupTimeoutMs: 60_000 } },
    { name: "STORE_STARTUP_TIMEOUT_MS sets the start-up deadline", given: { DATABASE_URL: "postgres://u:p@db/reprise", STORE_STARTUP_TIMEOUT_MS: "5000" }, want: (c) => c.store.kind === "postgres" && c.store.startupTimeoutMs, value: 5_000 },
    { name: "memory store", given: { REPRISE_STORE: "memory" }, want: (c) => c.store, value: { kind: "memory", thread: "inline" } },
    { name: "embedded store on its own thread", given: { STORE_THREAD: "worker" }, want: (c) => c.store, value: { kind: "file", dataDir: "./data", thread: "worker" } },
    { name: "file store in a chosen directory", given: { REPRISE_DATA_DIR: "/var/lib/reprise" }, want: (c) => c.store, value: { kind: "file", dataDir: "/var/lib/reprise", thread: "inline" } },
    { name: "port 0 for both listeners", given: { ALTOSTRAT_PORT: "0", ALLOY_PORT: "0" }, want: (c) => [c.server.altostratPort, c.server.alloyPort], value: [0, 0] },
    { name: "host", given: { HOST: "0.0.0.0" }, want: (c) => c.server.host, value: "0.0.0.0" },
    { name: "admin listener off outside development unless asked for", given: { NODE_ENV: "test" }, want: (c) => c.admin.enabled, value: false },
    { name: "admin listener on a chosen port, its file in the data directory", given: { NODE_ENV: "test", ADMIN_LISTENER: "true", ADMIN_PORT: "9090", REPRISE_DATA_DIR: "/srv/reprise" }, want: (c) => c.admin, value: { enabled: true, port: 9090, file: "/srv/reprise/admin.json" } },
    { name: "empty variables count as unset", given: { HOST: "", JWT_ISSUER: "" }, want: (c) => [c.server.host, c.jwt.issuer], value: ["127.0.0.1", undefined] },
    { name: "body limit with a unit", given: { BODY_LIMIT: "512kb" }, want: (c) => c.server.bodyLimitBytes, value: 512 * 1024 },
    { name: "body limit in upper-case unit", given: { BODY_LIMIT: "2MB" }, want: (c) => c.server.bodyLimitBytes, value: 2 * 1024 * 1024 },
    { name: "body limit in bytes", given: { BODY_LIMIT: "1000" }, want: (c) => c.server.bodyLimitBytes, value: 1000 },
    {
      name: "sandbox limits",
      given: { SANDBOX_PROCESSES: "3", SANDBOX_MEMORY_MB: "32", SANDBOX_TIMEOUT_MS: "250", SANDBOX_COMPILE_TIMEOUT_MS: "2000" },
      want: (c) => c.sandbox,
      value: { processes: 3, memoryMb: 32, timeoutMs: 250, compileTimeoutMs: 2000 },
    },
    {
      name: "run limits",
      given: { NODE_MAX_OUTPUT: "64kb", RUN_MAX_OUTPUT: "1mb", RUN_TIME_BUDGET_MS: "5000" },
      want: (c) => c.runLimits,
      value: { nodeMaxOutputBytes: 64 * 1024, runMaxOutputBytes: 1024 * 1024, runTimeBudgetMs: 5000 },
    },
    {
      name: "bulk rerun pacing",
      given: { RERUN_JOB_DEFAULT_RATE: "10", RERUN_JOB_MAX_RATE: "100" },
      want: (c) => c.rerunJobs,
      value: { rerunJobDefaultRate: 10, rerunJobMaxRate: 100 },
    },
    { name: "response validation off by default in production", given: { NODE_ENV: "production", JWT_SECRET: SECRET }, want: (c) => c.server.validateResponses, value: false },
    { name: "response validation switched on in production", given: { NODE_ENV: "production", JWT_SECRET: SECRET, VALIDATE_RESPONSES: "true" }, want: (c) => c.server.validateResponses, value: true },
    { name: "own secret", given: { JWT_SECRET: SECRET }, want: (c) => [c.jwt.secret, c.jwt.usesDevelopmentSecret], value: [SECRET, false] },
    { name: "HS512 pinned", given: { JWT_SECRET: SECRET, JWT_ALGORITHMS: "HS512" }, want: (c) => c.jwt.algorithms, value: ["HS512"] },
    { name: "JWKS defaults to RS256 and has no secret", given: { JWT_JWKS_URL: "https://id.example/jwks.json" }, want: (c) => [c.jwt.algorithms, c.jwt.secret, c.jwt.jwksUrl], value: [["RS256"], undefined, "https://id.example/jwks.json"] },
    { name: "JWKS with two algorithms", given: { JWT_JWKS_URL: "http://localhost:9/jwks", JWT_ALGORITHMS: "RS256, ES256" }, want: (c) => c.jwt.algorithms, value: ["RS256", "ES256"] },
    { name: "JWKS alone is enough in production", given: { NODE_ENV: "production", JWT_JWKS_URL: "https://id.example/jwks" }, want: (c) => c.jwt.usesDevelopmentSecret, value: false },
    { name: "issuer, audience, claim, skew", given: { JWT_ISSUER: "https://id.example", JWT_AUDIENCE: "reprise", JWT_ACCOUNT_CLAIM: "org", JWT_CLOCK_SKEW_SECONDS: "0" }, want: (c) => [c.jwt.issuer, c.jwt.audience, c.jwt.accountClaim, c.jwt.clockSkewSeconds], value: ["https://id.example", "reprise", "org", 0] },
    { name: "worker knobs", given: { WORKER_CONCURRENCY: "2", ACCOUNT_MAX_RUNNING: "3", LEASE_SECONDS: "5", MAX_ATTEMPTS: "1", POLL_INTERVAL_MS: "50", SHUTDOWN_DEADLINE_MS: "0" }, want: (c) => c.worker, value: { concurrency: 2, accountMaxRunning: 3, leaseSeconds: 5, maxAttempts: 1, pollIntervalMs: 50, shutdownDeadlineMs: 0 } },
    {
      name: "admission limits",
      given: { ADMISSION_MAX_IN_FLIGHT: "8", ADMISSION_ACCOUNT_MAX_IN_FLIGHT: "2", ADMISSION_MAX_EVENT_LOOP_DELAY_MS: "0", ADMISSION_ACCOUNT_MAX_QUEUED_RUNS: "50", ADMISSION_RETRY_AFTER_SECONDS: "5" },
      want: (c) => c.admission,
      value: { maxInFlight: 8, accountMaxInFlight: 2, maxEventLoopDelayMs: 0, accountMaxQueuedRuns: 50, retryAfterSeconds: 5 },
    },
    { name: "retention", given: { RETENTION_DAYS: "30", RETENTION_INTERVAL_MS: "60000" }, want: (c) => c.retention, value: { days: 30, intervalMs: 60_000 } },
    { name: "outbound", given: { HTTP_ALLOW_PRIVATE_NETWORKS: "true", HTTP_REQUEST_TIMEOUT_MS: "2500" }, want: (c) => c.outbound, value: { allowPrivateNetworks: true, requestTimeoutMs: 2500 } },
    { name: "log level", given: { LOG_LEVEL: "silent" }, want: (c) => c.logLevel, value: "silent" },
  ];
  it.each(good)("accepts $name", ({ given, want, value }) => {
    expect(want(loadConfig(given))).toEqual(value);
  });

  const bad: { given: Record<string, string>; variable: string; mentions: string[] }[] = [
    { given: { DATABASE_URL: "mysql://u:hunter2@db/x" }, variable: "DATABASE_URL", mentions: ["postgres://", "mysql://u:redacted@db/x"] },
    { given: { DATABASE_URL: "not a url hunter2" }, variable: "DATABASE_URL", mentions: ["(hidden, 17 bytes)"] },
    { given: { PG_POOL_SIZE: "0" }, variable: "PG_POOL_SIZE", mentions: ["'0'", "from 1 to 1000"] },
    { given: { ADMISSION_MAX_IN_FLIGHT: "0" }, variable: "ADMISSION_MAX_IN_FLIGHT", mentions: ["'0'", "from 1 to 100000"] },
    { given: { STORE_THREAD: "main" }, variable: "STORE_THREAD", mentions: ["'main'", "'inline', 'worker'"] },
    { given: { REPRISE_STORE: "sqlite" }, variable: "REPRISE_STORE", mentions: ["'sqlite'", "'file', 'memory'"] },
    { given: { HOST: "local host" }, variable: "HOST", mentions: ["'local host'"] },
    { given: { ALTOSTRAT_PORT: "http" }, variable: "ALTOSTRAT_PORT", mentions: ["'http'", "from 0 to 65535"] },
    { given: { ALTOSTRAT_PORT: "65536" }, variable: "ALTOSTRAT_PORT", mentions: ["'65536'"] },
    { given: { ALLOY_PORT: "-1" }, variable: "ALLOY_PORT", mentions: ["'-1'"] },
    { given: { ALLOY_PORT: "8081" }, variable: "ALLOY_PORT", mentions: ["different from ALTOSTRAT_PORT"] },
    { given: { JWT_SECRET: "short" }, variable: "JWT_SECRET", mentions: ["(hidden, 5 bytes)", "at least 32 bytes"] },
    { given: { NODE_ENV: "production" }, variable: "JWT_SECRET", mentions: ["JWT_JWKS_URL", "NODE_ENV=production"] },
    { given: { NODE_ENV: "production", JWT_SECRET: DEVELOPMENT_JWT_SECRET }, variable: "JWT_SECRET", mentions: ["not the development default"] },
    { given: { JWT_SECRET: SECRET, JWT_JWKS_URL: "https://id.example/jwks" }, variable: "JWT_JWKS_URL", mentions: ["choose one"] },
    { given: { JWT_JWKS_URL: "ftp://id.example/jwks" }, variable: "JWT_JWKS_URL", mentions: ["'ftp://id.example/jwks'"] },
    { given: { NODE_ENV: "production", JWT_JWKS_URL: "http://id.example/jwks" }, variable: "JWT_JWKS_URL", mentions: ["https://"] },
    { given: { JWT_SECRET: SECRET, JWT_ALGORITHMS: "RS256" }, variable: "JWT_ALGORITHMS", mentions: ["'RS256'", "HS256", "with JWT_SECRET"] },
    { given: { JWT_JWKS_URL: "https://id.example/jwks", JWT_ALGORITHMS: "HS256" }, variable: "JWT_ALGORITHMS", mentions: ["with JWT_JWKS_URL"] },
    { given: { JWT_ALGORITHMS: "none" }, variable: "JWT_ALGORITHMS", mentions: ["'none'"] },
    { given: { JWT_CLOCK_SKEW_SECONDS: "1.5" }, variable: "JWT_CLOCK_SKEW_SECONDS", mentions: ["'1.5'", "integer"] },
    { given: { VALIDATE_RESPONSES: "yes" }, variable: "VALIDATE_RESPONSES", mentions: ["'yes'", "'true' or 'false'"] },
    { given: { BODY_LIMIT: "lots" }, variable: "BODY_LIMIT", mentions: ["'lots'", "'1mb'"] },
    { given: { BODY_LIMIT: "0" }, variable: "BODY_LIMIT", mentions: ["'0'"] },
    { given: { WORKER_CONCURRENCY: "0" }, variable: "WORKER_CONCURRENCY", mentions: ["'0'"] },
    { given: { ACCOUNT_MAX_RUNNING: "0" }, variable: "ACCOUNT_MAX_RUNNING", mentions: ["'0'"] },
    { given: { LEASE_SECONDS: "1e3" }, variable: "LEASE_SECONDS", mentions: ["'1e3'"] },
    { given: { MAX_ATTEMPTS: "" + "x" }, variable: "MAX_ATTEMPTS", mentions: ["'x'"] },
    { given: { POLL_INTERVAL_MS: "5" }, variable: "POLL_INTERVAL_MS", mentions: ["from 10"] },
    { given: { SHUTDOWN_DEADLINE_MS: "soon" }, variable: "SHUTDOWN_DEADLINE_MS", mentions: ["'soon'"] },
    { given: { RETENTION_DAYS: "0" }, variable: "RETENTION_DAYS", mentions: ["'0'"] },
    { given: { RETENTION_INTERVAL_MS: "10" }, variable: "RETENTION_INTERVAL_MS", mentions: ["'10'"] },
    { given: { HTTP_ALLOW_PRIVATE_NETWORKS: "1" }, variable: "HTTP_ALLOW_PRIVATE_NETWORKS", mentions: ["'1'"] },
    { given: { HTTP_REQUEST_TIMEOUT_MS: "0" }, variable: "HTTP_REQUEST_TIMEOUT_MS", mentions: ["'0'"] },
    { given: { LOG_LEVEL: "verbose" }, variable: "LOG_LEVEL", mentions: ["'verbose'", "'debug'"] },
    { given: { NODE_ENV: "prod" }, variable: "NODE_ENV", mentions: ["'prod'", "'production'"] },
  ];
  it.each(bad)("refuses $given naming $variable", ({ given, variable, mentions }) => {
    const error = configError(given);
    expect(error.issues.map((issue) => issue.variable)).toEqual([variable]);
    expect(error.message).toContain(`${variable}=`);
    for (const text of mentions) expect(error.message).toContain(text);
  });

  it("never echoes a secret or a database password", () => {
    const message = [
      configError({ JWT_SECRET: "tiny-secret-value" }).message,
      configError({ DATABASE_URL: "mysql://u:hunter2@db/x" }).message,
      configError({ DATABASE_URL: "junk hunter2" }).message,
    ].join("\n");
    expect(message).not.toContain("tiny-secret-value");
    expect(message).not.toContain("hunter2");
  });

  it("reports every bad variable at once", () => {
    const error = configError({ ALTOSTRAT_PORT: "x", LOG_LEVEL: "loud", MAX_ATTEMPTS: "0" });
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual(["ALTOSTRAT_PORT", "LOG_LEVEL", "MAX_ATTEMPTS"]);
  });
});

describe("redactConfig", () => {
  it("masks the JWT secret and the database password", () => {
    const text = JSON.stringify(redactConfig(loadConfig({ JWT_SECRET: SECRET, DATABASE_URL: "postgres://u:hunter2@db/r" })));
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("hunter2");
    expect(text).toContain("postgres://u:redacted@db/r");
  });
});
