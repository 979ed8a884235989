// The embedded store's own thread: PGlite runs here, so its WebAssembly does not take turns with HTTP,
// validation and the executor on the serving thread. Spoken to by pglite-thread.ts with batches of
// requests; answers go back in batches too. Started with `workerData` = { dataDir } or { memory: true }.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { describePgliteError, pgliteErrnoName, runOn, toWireError, type Request, type Reply } from "./pglite-wire.ts";

const port = parentPort!;
const where = workerData as { dataDir?: string; memory?: boolean };

/** An open transaction: PGlite holds its mutex until `finish` settles the body it is waiting in. */
interface Session {
  tx: Transaction;
  finish: (commit: boolean) => void;
  /** Settles when PGlite has committed or rolled back. */
  done: Promise<void>;
}

const ROLLBACK = Symbol("rollback");

let pg: PGlite;
try {
  pg = where.memory ? await PGlite.create() : await PGlite.create(where.dataDir!);
} catch (err) {
  const error = { name: "OpenError", message: describePgliteError(err), closed: false, props: { errno: pgliteErrnoName(err) ?? "EIO" } };
  port.postMessage([{ id: 0, ok: false, error }] satisfies Reply[]);
  // The opener terminates this thread once it has read the answer.
  await new Promise(() => {});
}

const sessions = new Map<number, Session>();
const unlistens = new Map<number, () => Promise<void>>();
let outbox: Reply[] = [];

// Answers finished in the same turn leave together: one message instead of one per statement.
const answer = (reply: Reply): void => {
  if (outbox.length === 0) queueMicrotask(flush);
  outbox.push(reply);
};
function flush(): void {
  const batch = outbox;
  outbox = [];
  port.postMessage(batch);
}

const settle = (id: number, work: Promise<unknown>): void => {
  work.then(
    (value) => answer({ id, ok: true, value }),
    (err: unknown) => answer({ id, ok: false, error: toWireError(err, pg.closed) }),
  );
};

/** Opens a transaction and answers once PGlite is inside it; the session lives until commit or rollback. */
function begin(id: number, txId: number): void {
  let entered = false;
  const session: Partial<Session> = {};
  const done = pg
    .transaction(
      (tx) =>
        new Promise<void>((resolve, reject) => {
          entered = true;
          session.tx = tx;
          session.finish = (commit) => (commit ? resolve() : reject(ROLLBACK));
          sessions.set(txId, session as Session);
          answer({ id, ok: true, value: txId });
        }),
    )
    .then(
      () => undefined,
      (err: unknown) => {
        if (err !== ROLLBACK) throw err;
      },
    );
  session.done = done;
  // A begin refused before its body ran (the store closed) answers its own request; later failures
  // (at COMMIT) answer the commit.
  done.catch((err: unknown) => {
    if (!entered) answer({ id, ok: false, error: toWireError(err, pg.closed) });
  });
}

function end(id: number, txId: number, commit: boolean): void {
  const session = sessions.get(txId);
  if (!session) return answer({ id, ok: false, error: { name: "Error", message: `No open transaction ${txId}`, closed: pg.closed } });
  sessions.delete(txId);
  session.finish(commit);
  settle(id, session.done);
}

port.on("message", (batch: Request[]) => {
  for (const request of batch) {
    switch (request.op) {
      case "query": {
        const runner = request.tx === undefined ? pg : sessions.get(request.tx)?.tx;
        if (!runner) {
          answer({ id: request.id, ok: false, error: { name: "Error", message: `No open transaction ${request.tx}`, closed: pg.closed } });
          break;
        }
        settle(request.id, runOn(runner, request.text, request.values));
        break;
      }
      case "begin":
        begin(request.id, request.tx);
        break;
      case "commit":
      case "rollback":
        end(request.id, request.tx, request.op === "commit");
        break;
      case "listen":
        settle(
          request.id,
          pg.listen(request.channel, (payload) => answer({ id: -1, notify: request.listenId, payload })).then((unlisten) => {
            unlistens.set(request.listenId, unlisten);
          }),
        );
        break;
      case "unlisten": {
        const unlisten = unlistens.get(request.listenId);
        unlistens.delete(request.listenId);
        settle(request.id, pg.closed || !unlisten ? Promise.resolve() : unlisten());
        break;
      }
      case "close":
        settle(request.id, pg.closed ? Promise.resolve() : pg.close());
        break;
    }
  }
});

// Ready: the opener's id 0 succeeds.
answer({ id: 0, ok: true, value: null });
