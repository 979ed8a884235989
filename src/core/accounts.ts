import { generateApiKey, hashApiKey, isApiKey } from "../shared/api-key.ts";
import {
  ensureAccountRow,
  findAccount,
  findAccountIdByKeyHash,
  listApiKeyRows,
  insertAccount,
  insertApiKey,
  revokeApiKeyRow,
  type AccountRecord,
  type ApiKeyRecord,
} from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";

type Deps = Pick<EngineDeps, "db" | "clock" | "ids">;

/** An API key as created: `key` is the plaintext, shown once and never stored. */
export interface CreatedApiKey extends ApiKeyRecord {
  key: string;
}

/** Creates an account (the tenant every workflow and run belongs to). */
export async function createAccount(deps: Deps, input: { name: string; id?: string }): Promise<AccountRecord> {
  return insertAccount(deps.db, { id: input.id ?? deps.ids.account(), name: input.name, createdAt: deps.clock() });
}

/**
 * Makes sure an account exists, creating it (named after its id) when it does not: accounts named by
 * a verified Altostrat token are created on first use. Idempotent and safe under concurrency.
 */
export async function ensureAccount(deps: Pick<EngineDeps, "db" | "clock">, accountId: string): Promise<void> {
  await ensureAccountRow(deps.db, { id: accountId, name: accountId, createdAt: deps.clock() });
}

/** An account by id, or null (for tools that create it on first use). */
export async function getAccount(deps: Pick<EngineDeps, "db">, accountId: string): Promise<AccountRecord | null> {
  return (await findAccount(deps.db, accountId)) ?? null;
}

/** An account's API keys (hash never included), newest first. */
export async function listApiKeys(deps: Pick<EngineDeps, "db">, accountId: string): Promise<ApiKeyRecord[]> {
  return listApiKeyRows(deps.db, accountId);
}

/** Creates an API key for an account (created first if it does not exist); the plaintext is returned only here. */
export async function createApiKey(deps: Deps, accountId: string, options: { name?: string } = {}): Promise<CreatedApiKey> {
  await ensureAccount(deps, accountId);
  const key = generateApiKey();
  const record = await insertApiKey(deps.db, {
    id: deps.ids.apiKey(),
    accountId,
    name: options.name ?? null,
    keyHash: key.hash,
    keyPrefix: key.prefix,
    createdAt: deps.clock(),
    revokedAt: null,
  });
  return { ...record, key: key.plaintext };
}

/** The account a plaintext key belongs to, or null for unknown, malformed or revoked keys. */
export async function resolveApiKey(deps: Pick<EngineDeps, "db">, plaintext: string): Promise<string | null> {
  if (!isApiKey(plaintext)) return null;
  return (await findAccountIdByKeyHash(deps.db, hashApiKey(plaintext))) ?? null;
}

/** Revokes a key; false when the account has no such live key. */
export async function revokeApiKey(deps: Deps, accountId: string, keyId: string): Promise<boolean> {
  return revokeApiKeyRow(deps.db, accountId, keyId, deps.clock());
}

