import pg from "pg";
import { StoreUnavailableError, quoteIdent, type Db, type NotifyHandler } from "../db.ts";

/** Connection settings for a PostgreSQL server. */
export interface PostgresOptions {
  connectionString: string;
  /** Pooled connections for queries and transactions (LISTEN uses one more). */
  poolSize?: number;
  /** Optional search_path, e.g. a per-test schema. */
  schema?: string;
  /** How long to wait for a connection, new or from a full pool, before failing (default 5,000 ms). */
  connectTimeoutMs?: number;
  /** Client-side limit on one statement with values (default 10,000 ms); scripts (migrations) have none. */
  queryTimeoutMs?: number;
}

/** Default wait for a connection: a request fails within seconds while the server is down, instead of queueing. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** Default client-side limit on one statement: a connection that went silent cannot hold a request for long. */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;
// node-postgres treats 0 as "use the default"; scripts get the largest timer Node accepts instead.
const NO_TIMEOUT_MS = 2_147_483_647;

// int8 (counts, sequences) as numbers, as PGlite returns them; values beyond 2^53 stay strings.
const INT8_OID = 20;
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID) return (v: string) => (Number.isSafeInteger(Number(v)) ? Number(v) : v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * Opens a node-postgres pool; LISTEN runs on its own dedicated client. Connection failures fail
 * fast (connect and query timeouts, TCP keepalive) and surface as StoreUnavailableError; the pool
 * and the listener reconnect by themselves once the server is back.
 */
export async function openPostgres(options: PostgresOptions): Promise<Db> {
  const config: pg.PoolConfig = {
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    types,
    application_name: "reprise",
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    query_timeout: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  };
  const pool = new pg.Pool(config);
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const listener = createListener(config);
  const db: Db = {
    kind: "postgres",
    query: <T,>(text: string, values?: unknown[]) => guard(() => pool.query(toQuery(text, values)).then((r) => rowsOf<T>(r))),
    transaction: (fn) => guard(() => runTransaction(pool, fn)),
    listen: (channel, onNotify) => guard(() => listener.listen(channel, onNotify)),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
  try {
    await db.query("SELECT 1");
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}

/** A statement with values keeps the pool's timeout; a script without values (a migration) has none. */
function toQuery(text: string, values?: unknown[]): pg.QueryConfig {
  return values && values.length > 0 ? { text, values } : { text, query_timeout: NO_TIMEOUT_MS } as pg.QueryConfig;
}

/** A script (several statements, no values) yields one result per statement: answer with the last. */
function rowsOf<T>(result: pg.QueryResult | pg.QueryResult[]): { rows: T[] } {
  const last = Array.isArray(result) ? result.at(-1) : result;
  return { rows: (last?.rows ?? []) as T[] };
}

async function runTransaction<T>(pool: pg.Pool, fn: (tx: Db) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const tx: Db = {
    kind: "postgres",
    query: <T,>(text: string, values?: unknown[]) => client.query(toQuery(text, values)).then((r) => rowsOf<T>(r)),
    transaction: (inner) => inner(tx),
    close: () => Promise.reject(new Error("close() is not available inside a transaction")),
  };
  let broken: unknown;
  // A connection dropped mid-transaction emits 'error' on the checked-out client; without a listener
  // that would crash the process. The failing query rejects on its own; the client is then discarded.
  const onClientError = (err: unknown) => (broken = err);
  client.on("error", onClientError);
  try {
    await client.query("BEGIN");
    const result = await fn(tx);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch((rollbackErr: unknown) => (broken = rollbackErr));
    throw err;
  } finally {
    client.off("error", onClientError);
    // A client whose ROLLBACK failed (or whose connection broke) is in an unknown state: destroy it.
    client.release(broken instanceof Error ? broken : undefined);
  }
}

/**
 * One client for all LISTENs. When its connection drops (server restart, network), it reconnects
 * with backoff and listens again; notifications sent meanwhile are lost, which the workers' poll covers.
 */
function createListener(config: pg.PoolConfig) {
  const handlers = new Map<string, Set<NotifyHandler>>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;

  const connect = (): Promise<pg.Client> => {
    connecting ??= (async () => {
      const c = new pg.Client(config);
      c.on("notification", (msg) => handlers.get(msg.channel)?.forEach((h) => h(msg.payload ?? "")));
      // Both fire when the server goes away; either one starts the reconnect loop once.
      c.on("error", () => lose(c));
      c.on("end", () => lose(c));
      try {
        await c.connect();
        for (const channel of handlers.keys()) await c.query(`LISTEN ${quoteIdent(channel)}`);
      } catch (err) {
        c.end().catch(() => {});
        throw err;
      }
      if (closed) {
        await c.end().catch(() => {});
        throw new StoreUnavailableError("The PostgreSQL store is closed");
      }
      client = c;
      return c;
    })().finally(() => (connecting = undefined));
    return connecting;
  };

  const lose = (failed: pg.Client): void => {
    if (client !== failed || closed) return;
    client = undefined;
    failed.end().catch(() => {});
    reconnectAfter(250);
  };

  const reconnectAfter = (delay: number): void => {
    setTimeout(() => {
      if (closed || client || handlers.size === 0) return;
      connect().catch(() => reconnectAfter(Math.min(delay * 2, 5_000)));
    }, delay).unref();
  };

  // Only an outage is waited out; any other failure still fails the caller.
  const keepTrying = (err: unknown): undefined => {
    if (!isUnavailable(err)) throw err;
    reconnectAfter(250);
    return undefined;
  };

  return {
    async listen(channel: string, onNotify: NotifyHandler): Promise<() => Promise<void>> {
      if (closed) throw new StoreUnavailableError("The PostgreSQL store is closed");
      // Unreachable now (a slow first connection on a loaded host, a restart): the subscription is
      // kept and made by the reconnect loop, so a worker starts anyway and its poll covers the gap.
      const c = client ?? (await connect().catch((err: unknown) => keepTrying(err)));
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        if (c) await c.query(`LISTEN ${quoteIdent(channel)}`).catch((err: unknown) => keepTrying(err));
      }
      set.add(onNotify);
      return async () => {
        const current = handlers.get(channel);
        if (!current?.delete(onNotify) || current.size > 0) return;
        handlers.delete(channel);
        if (client && !closed) await client.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => {});
      };
    },
    async close(): Promise<void> {
      closed = true;
      const c = client ?? (await connecting?.catch(() => undefined));
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}

// Connection exceptions (08…), shutdown and startup (57P01–57P03), too many connections (53300),
// and the socket-level errors Node reports when the server is unreachable.
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "57P01", "57P02", "57P03", "53300"]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|^timeout expired$|Query read timeout|Client has encountered a connection error|Cannot use a pool after calling end/i;

/** Connection-level failures become StoreUnavailableError; SQL errors pass through untouched. */
async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StoreUnavailableError || !isUnavailable(err)) throw err;
    throw new StoreUnavailableError(`PostgreSQL is unavailable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** True for a failure to reach the server (or a server shutting down), false for an SQL error. */
function isUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const isConnectionClass = typeof code === "string" && code.startsWith("08");
  return (typeof code === "string" && UNAVAILABLE_CODES.has(code)) || isConnectionClass || UNAVAILABLE_MESSAGES.test(message);
}
