import type { RunStatus } from "../../domain/index.ts";
import type { Db } from "../db.ts";

/**
 * Deletes up to `limit` runs in `statuses` (the caller's rule of what is finished) created before
 * `cutoff` (their logs cascade). Other runs are kept: a long delay must still wake up, a wait for a
 * person must still time out.
 */
export async function purgeRunsBefore(db: Db, cutoff: Date, limit: number, statuses: readonly RunStatus[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH doomed AS (
       DELETE FROM runs WHERE id IN (
         SELECT id FROM runs
         WHERE created_at < $1 AND status = ANY($3::text[])
         LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING 1)
     SELECT count(*)::int AS n FROM doomed`,
    [cutoff, limit, statuses],
  );
  return rows[0]?.n ?? 0;
}

/** Deletes up to `limit` idempotency records that expired before `now`. */
export async function purgeExpiredIdempotencyKeys(db: Db, now: Date, limit: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH doomed AS (
       DELETE FROM idempotency_keys WHERE ctid IN (
         SELECT ctid FROM idempotency_keys WHERE expires_at <= $1 LIMIT $2)
       RETURNING 1)
     SELECT count(*)::int AS n FROM doomed`,
    [now, limit],
  );
  return rows[0]?.n ?? 0;
}
