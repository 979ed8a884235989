import type { Db } from "../db.ts";
import type { IdempotencyRecord } from "../records.ts";

const KEY_COLUMNS = `account_id AS "accountId", operation, key, request_hash AS "requestHash", state, run_id AS "runId",
  response, created_at AS "createdAt", expires_at AS "expiresAt"`;

/** Identifies one idempotency record: a key is the caller's (the account's), whatever operation used it. */
export interface IdempotencyScope {
  accountId: string;
  key: string;
}

/**
 * Reserves a key as in flight for `operation`. Returns true when this caller now owns the key: it was
 * free, or its previous record had expired. On PostgreSQL a concurrent reservation of the same key
 * waits for the first transaction and then sees its committed record, so exactly one caller creates the run.
 */
export async function reserveIdempotencyKey(
  db: Db,
  scope: IdempotencyScope,
  operation: string,
  requestHash: string,
  now: Date,
  expiresAt: Date,
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO idempotency_keys (account_id, operation, key, request_hash, state, created_at, expires_at)
     VALUES ($1, $2, $3, $4, 'in_flight', $5, $6)
     ON CONFLICT (account_id, key) DO NOTHING
     RETURNING key`,
    [scope.accountId, operation, scope.key, requestHash, now, expiresAt],
  );
  if (rows.length > 0) return true;
  const taken = await db.query(
    `UPDATE idempotency_keys SET operation = $2, request_hash = $4, state = 'in_flight', run_id = NULL, response = NULL, created_at = $5, expires_at = $6
     WHERE account_id = $1 AND key = $3 AND expires_at <= $5
     RETURNING key`,
    [scope.accountId, operation, scope.key, requestHash, now, expiresAt],
  );
  return taken.rows.length > 0;
}

/** Reads a key's record. */
export async function findIdempotencyKey(db: Db, scope: IdempotencyScope): Promise<IdempotencyRecord | undefined> {
  const { rows } = await db.query<IdempotencyRecord>(
    `SELECT ${KEY_COLUMNS} FROM idempotency_keys WHERE account_id = $1 AND key = $2`,
    [scope.accountId, scope.key],
  );
  return rows[0];
}

/** Marks a reserved key done with the run it produced (null when it produced something else) and an optional stored response. */
export async function completeIdempotencyKey(db: Db, scope: IdempotencyScope, runId: string | null, response?: unknown): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys SET state = 'done', run_id = $3, response = $4::jsonb
     WHERE account_id = $1 AND key = $2`,
    [scope.accountId, scope.key, runId, response === undefined ? null : JSON.stringify(response)],
  );
}
