import type { Db } from "../db.ts";
import type { AccountRecord, ApiKeyRecord } from "../records.ts";

const ACCOUNT_COLUMNS = `id, name, created_at AS "createdAt"`;
const KEY_COLUMNS = `id, account_id AS "accountId", name, key_prefix AS "keyPrefix", created_at AS "createdAt", revoked_at AS "revokedAt"`;

/** Inserts an account. */
export async function insertAccount(db: Db, account: AccountRecord): Promise<AccountRecord> {
  const { rows } = await db.query<AccountRecord>(
    `INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3) RETURNING ${ACCOUNT_COLUMNS}`,
    [account.id, account.name, account.createdAt],
  );
  return rows[0]!;
}

/**
 * Inserts an account unless one with this id exists (INSERT … ON CONFLICT DO NOTHING): safe to call
 * before every account-scoped write, and from concurrent requests. True when this call created it.
 */
export async function ensureAccountRow(db: Db, account: AccountRecord): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [account.id, account.name, account.createdAt],
  );
  return rows.length > 0;
}

/** Finds an account by id. */
export async function findAccount(db: Db, id: string): Promise<AccountRecord | undefined> {
  const { rows } = await db.query<AccountRecord>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`, [id]);
  return rows[0];
}

/** Inserts an API key; only its hash and display prefix are stored. */
export async function insertApiKey(db: Db, key: ApiKeyRecord & { keyHash: string }): Promise<ApiKeyRecord> {
  const { rows } = await db.query<ApiKeyRecord>(
    `INSERT INTO api_keys (id, account_id, name, key_hash, key_prefix, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${KEY_COLUMNS}`,
    [key.id, key.accountId, key.name, key.keyHash, key.keyPrefix, key.createdAt],
  );
  return rows[0]!;
}

/** The account owning an unrevoked key with this hash. */
export async function findAccountIdByKeyHash(db: Db, keyHash: string): Promise<string | undefined> {
  const { rows } = await db.query<{ accountId: string }>(
    `SELECT account_id AS "accountId" FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [keyHash],
  );
  return rows[0]?.accountId;
}

/** Marks a key revoked; false when the account has no such live key. */
export async function revokeApiKeyRow(db: Db, accountId: string, keyId: string, at: Date): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE api_keys SET revoked_at = $3 WHERE id = $2 AND account_id = $1 AND revoked_at IS NULL RETURNING id`,
    [accountId, keyId, at],
  );
  return rows.length > 0;
}

/** An account's keys, newest first (revoked ones included, flagged by revokedAt). */
export async function listApiKeyRows(db: Db, accountId: string): Promise<ApiKeyRecord[]> {
  const { rows } = await db.query<ApiKeyRecord>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE account_id = $1 ORDER BY created_at DESC, id DESC`,
    [accountId],
  );
  return rows;
}
