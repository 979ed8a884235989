import pg from "pg";
import { StoreUnavailableError, quoteIdent, type Db, type NotifyHandler } from "../db.ts";

/** Connection settings for a PostgreSQL server. */
export interface PostgresOptions {
  connectionString: string;
  /** Pooled connections for queries and transactions (LISTEN uses one more). */
  poolSize?: number;
  /** Optional search_path, e.g. a per-test schema. */
  schema?: string;
}

// int8 (counts, sequences) as numbers, as PGlite returns them; values beyond 2^53 stay strings.
const INT8_OID = 20;
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID) return (v: string) => (Number.isSafeInteger(Number(v)) ? Number(v) : v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Opens a node-postgres pool; LISTEN runs on its own dedicated client. */
export async function openPostgres(options: PostgresOptions): Promise<Db> {
  const config: pg.PoolConfig = {
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    types,
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  };
  const pool = new pg.Pool(config);
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const listener = createListener(config);
  const db: Db = {
    kind: "postgres",
    query: <T,>(text: string, values?: unknown[]) => guard(() => pool.query(text, values).then((r) => rowsOf<T>(r))),
    transaction: (fn) => guard(() => runTransaction(pool, fn)),
    listen: (channel, onNotify) => guard(() => listener.listen(channel, onNotify)),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
  await db.query("SELECT 1");
  return db;
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
    query: <T,>(text: string, values?: unknown[]) => client.query(text, values).then((r) => rowsOf<T>(r)),
    transaction: (inner) => inner(tx),
    close: () => Promise.reject(new Error("close() is not available inside a transaction")),
  };
  let broken: unknown;
  try {
    await client.query("BEGIN");
    const result = await fn(tx);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch((rollbackErr: unknown) => (broken = rollbackErr));
    throw err;
  } finally {
    // A client whose ROLLBACK failed is in an unknown state: destroy it instead of pooling it.
    client.release(broken instanceof Error ? broken : undefined);
  }
}

/** One client for all LISTENs; reconnects with backoff (the workers' poll covers the gap). */
function createListener(config: pg.PoolConfig) {
  const handlers = new Map<string, Set<NotifyHandler>>();
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;

  const connect = (): Promise<pg.Client> => {
    connecting ??= (async () => {
      const c = new pg.Client(config);
      c.on("notification", (msg) => handlers.get(msg.channel)?.forEach((h) => h(msg.payload ?? "")));
      c.on("error", () => scheduleReconnect(c));
      await c.connect();
      for (const channel of handlers.keys()) await c.query(`LISTEN ${quoteIdent(channel)}`);
      client = c;
      return c;
    })().finally(() => (connecting = undefined));
    return connecting;
  };

  const scheduleReconnect = (failed: pg.Client): void => {
    if (client !== failed || closed) return;
    client = undefined;
    failed.end().catch(() => {});
    const retry = (delay: number): void => {
      setTimeout(() => {
        if (closed || handlers.size === 0) return;
        connect().catch(() => retry(Math.min(delay * 2, 10_000)));
      }, delay).unref();
    };
    retry(250);
  };

  return {
    async listen(channel: string, onNotify: NotifyHandler): Promise<() => Promise<void>> {
      const c = client ?? (await connect());
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await c.query(`LISTEN ${quoteIdent(channel)}`);
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

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "53300"]);

/** Connection-level failures become StoreUnavailableError; SQL errors pass through untouched. */
async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const message = err instanceof Error ? err.message : String(err);
    const isConnectionClass = typeof code === "string" && code.startsWith("08");
    if (
      (typeof code === "string" && UNAVAILABLE_CODES.has(code)) ||
      isConnectionClass ||
      /Connection terminated|connection timeout|Cannot use a pool after calling end/i.test(message)
    ) {
      throw new StoreUnavailableError(`PostgreSQL is unavailable: ${message}`, { cause: err });
    }
    throw err;
  }
}
