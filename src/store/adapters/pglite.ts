import { PGlite, type Transaction } from "@electric-sql/pglite";
import { StoreUnavailableError, type Db } from "../db.ts";
import { acquireDirLock, DataDirError, prepareDataDir } from "./dir-lock.ts";

/**
 * Where PGlite keeps its files: a directory (locked exclusively) or process memory, optionally
 * filled from a data directory dumped earlier (`dumpDataDir`), which skips initdb.
 */
export type PgliteOptions = { dataDir?: string; memory?: false } | { memory: true; loadDataDir?: Blob };

/** Default data directory, relative to the working directory. */
export const DEFAULT_DATA_DIR = "./data";

/**
 * Opens embedded PostgreSQL (PGlite). File-backed under `./data` unless told otherwise;
 * the directory is locked first, so a second process is refused before PGlite touches it.
 */
export async function openPglite(options: PgliteOptions = {}): Promise<Db> {
  if (options.memory) return wrapPglite(await PGlite.create(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}), () => {});
  const given = options.dataDir ?? DEFAULT_DATA_DIR;
  // Checked (and created) first, so a file, a dangling link or a read-only place is named plainly;
  // PGlite itself is given the real path, as it cannot open a directory through a symbolic link.
  const dataDir = prepareDataDir(given);
  const lock = lockAs(given, dataDir);
  try {
    return wrapPglite(await PGlite.create(dataDir), lock.release);
  } catch (err) {
    lock.release();
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

// PGlite's file system (Emscripten) throws `{ name: "ErrnoError", errno }` objects, with its own errno numbers.
const EMSCRIPTEN_ERRNO: Readonly<Record<number, string>> = {
  2: "EACCES", 10: "EBUSY", 20: "EEXIST", 28: "EINVAL", 29: "EIO", 31: "EISDIR", 32: "ELOOP",
  44: "ENOENT", 51: "ENOSPC", 54: "ENOTDIR", 55: "ENOTEMPTY", 63: "EPERM", 69: "EROFS",
};

function pgliteErrnoName(err: unknown): string | undefined {
  const errno = (err as { errno?: unknown } | null)?.errno;
  return typeof errno === "number" ? (EMSCRIPTEN_ERRNO[errno] ?? `errno ${errno}`) : undefined;
}

/** One line about what PGlite threw, which is not always an Error. */
function describePgliteError(err: unknown): string {
  const errno = pgliteErrnoName(err);
  if (errno) return `a file operation failed (${errno})`;
  if (err instanceof Error) return err.message;
  if (typeof err === "object" && err !== null) {
    const { name, message } = err as { name?: unknown; message?: unknown };
    const said = [name, message].filter((part) => typeof part === "string" && part !== "").join(": ");
    return said || "an unknown error";
  }
  return String(err);
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
