import type { FaultDatabase } from "./database.ts";

/** A run as the checks see it. */
export interface RunRow {
  id: string;
  status: string;
  attempts: number;
  executed_by: string | null;
  lease_owner: string | null;
  i: number | null;
  /** Success logs written for this run (copies excluded). */
  logs: number;
}

/** Every run of the database with its success-log count and the `i` of its trigger payload. */
export async function readRuns(db: FaultDatabase): Promise<RunRow[]> {
  return db.query<RunRow>(
    `SELECT r.id, r.status, r.attempts, r.executed_by, r.lease_owner, (r.trigger_payload->>'i')::int AS i,
            (SELECT count(*)::int FROM node_logs l WHERE l.run_id = r.id AND l.status = 'success' AND l.copied_from IS NULL) AS logs
     FROM runs r`,
  );
}

/** Nodes that have more than one log in one run: each would be a node executed twice and recorded twice. */
export async function findDuplicateLogs(db: FaultDatabase): Promise<{ run_id: string; node_id: string; n: number }[]> {
  return db.query(
    `SELECT run_id, node_id, count(*)::int AS n FROM node_logs WHERE copied_from IS NULL GROUP BY run_id, node_id HAVING count(*) > 1`,
  );
}

/** Polls until none of `ids` (or no run at all, without ids) is pending or running; returns how long it took. */
export async function waitUntilFinal(db: FaultDatabase, ids: string[] | undefined, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const [row] = await db
      .query<{ open: number }>(
        `SELECT count(*)::int AS open FROM runs WHERE status IN ('pending', 'running') AND ($1::text[] IS NULL OR id = ANY($1::text[]))`,
        [ids ?? null],
      )
      .catch(() => [{ open: -1 }]); // the database may be restarting
    if (row?.open === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${row?.open} runs still open after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Runs per worker id, busiest first. */
export function countBy<T>(items: T[], key: (item: T) => string | null): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item) ?? "(none)", (counts.get(key(item) ?? "(none)") ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/** Polls `read` every `intervalMs` until `done` holds; throws after `timeoutMs`. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, intervalMs = 50): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met after ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await sleep(intervalMs);
  }
}

/** Real time passing: the faults are real processes. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
