import type { Db } from "../store/index.ts";
import { systemLookup, type Lookup } from "./components/index.ts";
import { createIdGenerator, type IdGenerator } from "./ids.ts";
import { createGuardedFetch } from "./net/guarded-fetch.ts";
import { createSandbox, type Sandbox } from "./sandbox/index.ts";

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
  /** Largest JSON output of one node, any type (default 2 MiB: an HTTP response's body and headers fit). */
  nodeMaxOutputBytes: number;
  /** Largest sum of a run's node outputs (default 8 MiB): the run fails past it, nothing over it is stored. */
  runMaxOutputBytes: number;
  /** Wall-clock budget of one execution of a run, durable delays excluded (default 10 minutes). */
  runTimeBudgetMs: number;
  /** Runs a bulk rerun job queues per second when its request names no rate (default 50). */
  rerunJobDefaultRate: number;
  /** Most runs per second any bulk rerun job queues, whatever its request asks (default 500). */
  rerunJobMaxRate: number;
  /** Most source runs one page of a bulk rerun job takes in one transaction (default 500). */
  rerunJobPageSize: number;
  /**
   * Largest trigger payload a rerun's merge may produce (default 1 MiB, the default request body
   * limit; the server passes its BODY_LIMIT), so merges cannot grow a payload rerun after rerun. A
   * replacing payload, like an execution's, is bounded by the request that carries it.
   */
  payloadMaxBytes: number;
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
  nodeMaxOutputBytes: 2 * 1024 * 1024,
  runMaxOutputBytes: 8 * 1024 * 1024,
  runTimeBudgetMs: 600_000,
  rerunJobDefaultRate: 50,
  rerunJobMaxRate: 500,
  rerunJobPageSize: 500,
  payloadMaxBytes: 1024 * 1024,
});

/** What every verb receives: the store and the injected world (clock, ids, network). */
export interface EngineDeps {
  db: Db;
  clock: () => Date;
  ids: IdGenerator;
  fetcher: typeof fetch;
  lookup: Lookup;
  config: EngineConfig;
  /** Where tenant code (JSONata, templates) is evaluated, off the serving thread. */
  sandbox: Sandbox;
}

/** Options for createEngine / resolveDeps: only `db` is required. */
export interface EngineOptions {
  db: Db;
  clock?: () => Date;
  ids?: IdGenerator;
  fetcher?: typeof fetch;
  lookup?: Lookup;
  config?: Partial<EngineConfig>;
  /** A sandbox to share (its owner closes it); otherwise the engine starts one of its own. */
  sandbox?: Sandbox;
}

/** Fills in defaults: wall clock, ULID ids, a policy-guarded fetch, system DNS, a sandbox of its own. */
export function resolveDeps(options: EngineOptions): EngineDeps {
  const clock = options.clock ?? (() => new Date());
  const lookup = options.lookup ?? systemLookup;
  const config = { ...DEFAULT_ENGINE_CONFIG, ...options.config };
  return {
    db: options.db,
    clock,
    ids: options.ids ?? createIdGenerator(clock),
    // The default fetch checks the network policy inside each connection (DNS rebinding cannot get past it).
    fetcher: options.fetcher ?? createGuardedFetch({ allowPrivateNetworks: config.allowPrivateNetworks, allowedHosts: config.allowedHosts, lookup }),
    lookup,
    config,
    sandbox: options.sandbox ?? createSandbox({ maxOutputBytes: config.nodeMaxOutputBytes }),
  };
}
