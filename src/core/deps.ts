import type { Db } from "../store/index.ts";
import { systemLookup, type Lookup } from "./components/index.ts";
import { createIdGenerator, type IdGenerator } from "./ids.ts";

/** Engine settings; every field has a default. */
export interface EngineConfig {
  /** Claims of one run whose lease expired before it is failed as abandoned (default 3). */
  maxAttempts: number;
  /** How long a claim holds a run without renewal (default 30 s). */
  leaseMs: number;
  /** How long an idempotency key answers with its first result (default 24 h). */
  idempotencyTtlMs: number;
  /** Runs and logs older than this are purged (default 7). */
  retentionDays: number;
  /** Let http_request reach loopback/private/link-local/metadata addresses (default false). */
  allowPrivateNetworks: boolean;
  /** Hosts http_request may reach even when private. */
  allowedHosts: string[];
  /** Default http_request timeout (default 10 s). */
  httpTimeoutMs: number;
  /** Largest response body http_request reads (default 1 MiB). */
  maxResponseBytes: number;
}

/** Defaults for EngineConfig. */
export const DEFAULT_ENGINE_CONFIG: Readonly<EngineConfig> = Object.freeze({
  maxAttempts: 3,
  leaseMs: 30_000,
  idempotencyTtlMs: 24 * 3600 * 1000,
  retentionDays: 7,
  allowPrivateNetworks: false,
  allowedHosts: [],
  httpTimeoutMs: 10_000,
  maxResponseBytes: 1024 * 1024,
});

/** What every verb receives: the store and the injected world (clock, ids, network). */
export interface EngineDeps {
  db: Db;
  clock: () => Date;
  ids: IdGenerator;
  fetcher: typeof fetch;
  lookup: Lookup;
  config: EngineConfig;
}

/** Options for createEngine / resolveDeps: only `db` is required. */
export interface EngineOptions {
  db: Db;
  clock?: () => Date;
  ids?: IdGenerator;
  fetcher?: typeof fetch;
  lookup?: Lookup;
  config?: Partial<EngineConfig>;
}

/** Fills in defaults: wall clock, ULID ids, global fetch, system DNS. */
export function resolveDeps(options: EngineOptions): EngineDeps {
  const clock = options.clock ?? (() => new Date());
  return {
    db: options.db,
    clock,
    ids: options.ids ?? createIdGenerator(clock),
    fetcher: options.fetcher ?? ((input, init) => fetch(input, init)),
    lookup: options.lookup ?? systemLookup,
    config: { ...DEFAULT_ENGINE_CONFIG, ...options.config },
  };
}
