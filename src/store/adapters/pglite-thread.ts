import { Worker } from "node:worker_threads";
import { StoreUnavailableError, type Db, type NotifyHandler } from "../db.ts";
import { fromWireError, type Reply, type Request, type WireError } from "./pglite-wire.ts";

/** PGlite could not open in its thread; what it said, for the DataDirError the opener raises. */
export class PgliteOpenError extends Error {
  override readonly name = "PgliteOpenError";
  readonly errnoName: string;
  constructor(description: string, errnoName: string) {
    super(description);
    this.errnoName = errnoName;
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (err: unknown) => void };
type Call = Request extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

/**
 * Opens PGlite in a worker thread (pglite-worker.ts) and speaks the Db port to it. Statements issued in
 * one turn of the event loop leave as one message; a transaction is a session in the worker (begin,
 * its statements, commit or rollback by id), which PGlite's own mutex serialises with everything else,
 * as on the serving thread. Errors keep their SQLSTATE `code` and fields; a closed store raises
 * StoreUnavailableError. The data-directory lock stays with the caller, released by `close`.
 */
export async function openPgliteThread(where: { dataDir: string } | { memory: true }, releaseLock: () => void): Promise<Db> {
  const worker = new Worker(new URL("./pglite-worker.ts", import.meta.url), { workerData: where });
  const pending = new Map<number, Pending>();
  const listeners = new Map<number, NotifyHandler>();
  let nextId = 1;
  let outbox: Request[] = [];
  let ended: StoreUnavailableError | undefined;

  const closedError = (cause?: unknown) => new StoreUnavailableError("The PGlite store is closed", cause === undefined ? undefined : { cause });
  const failAll = (err: StoreUnavailableError) => {
    ended ??= err;
    for (const waiting of pending.values()) waiting.reject(err);
    pending.clear();
  };
  const toError = (wire: WireError) => (wire.closed ? closedError(fromWireError(wire)) : fromWireError(wire));

  let ready!: Pending;
  const opened = new Promise((resolve, reject) => (ready = { resolve, reject }));
  pending.set(0, ready);
  worker.on("message", (batch: Reply[]) => {
    for (const reply of batch) {
      if ("notify" in reply) {
        listeners.get(reply.notify)?.(reply.payload);
        continue;
      }
      const waiting = pending.get(reply.id);
      if (!waiting) continue;
      pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else if (reply.id === 0) waiting.reject(new PgliteOpenError(reply.error.message, String(reply.error.props?.errno ?? "EIO")));
      else waiting.reject(toError(reply.error));
    }
    // An idle store must not keep the process alive, as PGlite on the serving thread does not.
    if (pending.size === 0) worker.unref();
  });
  worker.on("error", (err) => failAll(closedError(err)));
  worker.on("exit", () => failAll(closedError()));

  const flush = () => {
    const batch = outbox;
    outbox = [];
    worker.postMessage(batch);
  };
  const call = <T,>(request: Call): Promise<T> => {
    if (ended) return Promise.reject(ended);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (outbox.length === 0) queueMicrotask(flush);
      outbox.push({ ...request, id } as Request);
    });
  };

  try {
    await opened;
  } catch (err) {
    await worker.terminate();
    throw err;
  }

  let closing: Promise<void> | undefined;
  const db: Db = {
    kind: "pglite",
    query: (text, values) => call({ op: "query", text, values, tx: undefined }),
    async transaction(fn) {
      const tx = nextId++;
      await call({ op: "begin", tx });
      const txDb: Db = {
        kind: "pglite",
        query: (text, values) => call({ op: "query", text, values, tx }),
        transaction: (inner) => inner(txDb),
        close: () => Promise.reject(new Error("close() is not available inside a transaction")),
      };
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        result = await fn(txDb);
      } catch (err) {
        await call({ op: "rollback", tx }).catch(() => undefined);
        throw err;
      }
      await call({ op: "commit", tx });
      return result;
    },
    async listen(channel, onNotify) {
      const listenId = nextId++;
      listeners.set(listenId, onNotify);
      try {
        await call({ op: "listen", channel, listenId });
      } catch (err) {
        listeners.delete(listenId);
        throw err;
      }
      return async () => {
        listeners.delete(listenId);
        if (!ended && !closing) await call({ op: "unlisten", listenId });
      };
    },
    close() {
      closing ??= (async () => {
        try {
          if (!ended) await call({ op: "close" });
        } finally {
          failAll(closedError());
          await worker.terminate();
          releaseLock();
        }
      })();
      return closing;
    },
  };
  return db;
}
