import type { Db } from "../db.ts";

/**
 * Deletes up to `limit` finished runs created before `cutoff` (their logs cascade).
 * Pending and running runs are kept: a long delay must still wake up.
 */
export async function purgeRunsBefore(db: Db, cutoff: Date, limit: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH doomed AS (
       DELETE FROM runs WHERE id IN (
         SELECT id FROM runs
         WHERE created_at < $1 AND status IN ('completed', 'failed', 'awaiting_ui_interaction')
         LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING 1)
     SELECT count(*)::int AS n FROM doomed`,
    [cutoff, limit],
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
