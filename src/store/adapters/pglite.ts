import { PGlite, type Transaction } from "@electric-sql/pglite";
import { StoreUnavailableError, type Db } from "../db.ts";
import { acquireDirLock, DataDirError, prepareDataDir } from "./dir-lock.ts";
import { startAutovacuum } from "./pglite-autovacuum.ts";
import { openPgliteThread, PgliteOpenError } from "./pglite-thread.ts";
import { describePgliteError, pgliteErrnoName, runOn } from "./pglite-wire.ts";

/**
 * Which thread PGlite runs on: the serving thread (`inline`), or a worker thread of its own that the
 * serving thread sends statements to (`worker`, pglite-thread.ts), so its WebAssembly does not take
 * turns with HTTP and the executor.
 */
export type StoreThread = "inline" | "worker";

/**
 * Where PGlite keeps its files: a directory (locked exclusively) or process memory, optionally
 * filled (inline only) from a data directory dumped earlier (`dumpDataDir`), which skips initdb;
 * and its thread.
 */
export type PgliteOptions = ({ dataDir?: string; memory?: false } | { memory: true; loadDataDir?: Blob }) & { thread?: StoreThread };

/** Default data directory, relative to the working directory. */
export const DEFAULT_DATA_DIR = "./data";

/**
 * Opens embedded PostgreSQL (PGlite). File-backed under `./data` unless told otherwise;
 * the directory is locked first, so a second process is refused before PGlite touches it.
 */
export async function openPglite(options: PgliteOptions = {}): Promise<Db> {
  const db = await openPgliteOnly(options);
  // PGlite has no autovacuum of its own (pglite-autovacuum.ts).
  const stop = startAutovacuum(db);
  return {
    ...db,
    close() {
      stop();
      return db.close();
    },
  };
}

async function openPgliteOnly(options: PgliteOptions): Promise<Db> {
  const worker = options.thread === "worker";
  if (options.memory) {
    if (worker) return openPgliteThread({ memory: true }, () => {});
    return wrapPglite(await PGlite.create(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}), () => {});
  }
  const given = options.dataDir ?? DEFAULT_DATA_DIR;
  // Checked (and created) first, so a file, a dangling link or a read-only place is named plainly;
  // PGlite itself is given the real path, as it cannot open a directory through a symbolic link.
  const dataDir = prepareDataDir(given);
  const lock = lockAs(given, dataDir);
  try {
    return worker ? await openPgliteThread({ dataDir }, lock.release) : wrapPglite(await PGlite.create(dataDir), lock.release);
  } catch (err) {
    lock.release();
    if (err instanceof PgliteOpenError) throw new DataDirError(given, `could not be opened by PGlite: ${err.message}`, err.errnoName, { cause: err });
    throw new DataDirError(given, `could not be opened by PGlite: ${describePgliteError(err)}`, pgliteErrnoName(err) ?? "EIO", { cause: err });
  }
}

/** Locks the real directory; a failure names the directory as it was given. */
function lockAs(given: string, dataDir: string): ReturnType<typeof acquireDirLock> {
  try {
    return acquireDirLock(dataDir);
  } catch (err) {
    if (err instanceof DataDirError) throw new DataDirError(given, err.problem, err.code, { cause: err.cause });
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

async function guard<T>(pg: PGlite, fn: () => Promise<T>): Promise<T> {
  if (pg.closed) throw new StoreUnavailableError("The PGlite store is closed");
  try {
    return await fn();
  } catch (err) {
    if (pg.closed) throw new StoreUnavailableError("The PGlite store is closed", { cause: err });
    throw err;
  }
}
