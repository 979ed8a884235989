import { PGlite, type Transaction } from "@electric-sql/pglite";
import { resolve } from "node:path";
import { StoreUnavailableError, type Db } from "../db.ts";
import { acquireDirLock } from "./dir-lock.ts";

/** Where PGlite keeps its files: a directory (locked exclusively) or process memory. */
export type PgliteOptions = { dataDir?: string; memory?: false } | { memory: true };

/** Default data directory, relative to the working directory. */
export const DEFAULT_DATA_DIR = "./data";

/**
 * Opens embedded PostgreSQL (PGlite). File-backed under `./data` unless told otherwise;
 * the directory is locked first, so a second process is refused before PGlite touches it.
 */
export async function openPglite(options: PgliteOptions = {}): Promise<Db> {
  if (options.memory) return wrapPglite(await PGlite.create(), () => {});
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const lock = acquireDirLock(dataDir);
  try {
    return wrapPglite(await PGlite.create(dataDir), lock.release);
  } catch (err) {
    lock.release();
    throw err;
  }
}

/**
 * PGlite is one connection. Its own mutex makes `query` wait while a `transaction` is open,
 * so statements from other tasks never interleave into it; inside `fn` only `tx` may be used
 * (calling the outer db there would wait for itself).
 */
function wrapPglite(pg: PGlite, releaseLock: () => void): Db {
  let closing: Promise<void> | undefined;
  const db: Db = {
    kind: "pglite",
    query: (text, values) => guard(pg, () => runOn(pg, text, values)),
    transaction: (fn) => guard(pg, () => pg.transaction((tx) => fn(wrapTransaction(tx)))),
    async listen(channel, onNotify) {
      const unlisten = await guard(pg, () => pg.listen(channel, onNotify));
      return async () => {
        if (!pg.closed) await unlisten();
      };
    },
    close() {
      closing ??= (async () => {
        try {
          if (!pg.closed) await pg.close();
        } finally {
          releaseLock();
        }
      })();
      return closing;
    },
  };
  return db;
}

function wrapTransaction(tx: Transaction): Db {
  const txDb: Db = {
    kind: "pglite",
    query: (text, values) => runOn(tx, text, values),
    transaction: (fn) => fn(txDb),
    close: () => Promise.reject(new Error("close() is not available inside a transaction")),
  };
  return txDb;
}

type Runner = Pick<PGlite, "query" | "exec">;

/** Without values the simple protocol runs whole scripts (migrations) in one round trip. */
async function runOn<T>(runner: Runner, text: string, values?: unknown[]): Promise<{ rows: T[] }> {
  if (values && values.length > 0) {
    const result = await runner.query<T>(text, values);
    return { rows: result.rows };
  }
  const results = await runner.exec(text);
  return { rows: (results.at(-1)?.rows ?? []) as T[] };
}

async function guard<T>(pg: PGlite, fn: () => Promise<T>): Promise<T> {
  if (pg.closed) throw new StoreUnavailableError("The PGlite store is closed");
  try {
    return await fn();
  } catch (err) {
    if (pg.closed) throw new StoreUnavailableError("The PGlite store is closed", { cause: err });
    throw err;
  }
}
