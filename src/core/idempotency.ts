import { createHash } from "node:crypto";
import {
  completeIdempotencyKey,
  findIdempotencyKey,
  findRun,
  reserveIdempotencyKey,
  type Db,
  type IdempotencyRecord,
  type RunRecord,
} from "../store/index.ts";
import type { EngineDeps } from "./deps.ts";
import { DomainError } from "./errors.ts";

/** Operations that take an idempotency key; a key belongs to the account, whichever operation used it first. */
export type IdempotentOperation = "execute" | "rerun" | "resume" | "bulk_rerun";

/** A run-creating verb's answer; `replayed` is true when an idempotency key returned an earlier run. */
export interface StartedRun {
  run: RunRecord;
  replayed: boolean;
}

/**
 * Runs `create` in a transaction guarded by an optional idempotency key. The key is reserved with
 * INSERT … ON CONFLICT DO NOTHING in the same transaction as the run insert, so concurrent
 * requests with one key create exactly one run; later ones get that run back (for the key's TTL).
 * Errors roll the reservation back: only successes are remembered.
 */
export async function createRunIdempotently(
  deps: Pick<EngineDeps, "db" | "clock" | "config">,
  scope: IdempotencyKeyScope,
  create: (tx: Db) => Promise<RunRecord>,
): Promise<StartedRun> {
  const { value, replayed } = await createIdempotently(deps, scope, create, {
    remember: (run) => ({ runId: run.id }),
    replay: async (tx, record) => {
      const run = record.runId ? await findRun(tx, record.runId, scope.accountId) : undefined;
      if (!run) throw new DomainError("run_not_found", `Run ${record.runId} created for idempotency key '${scope.key}' no longer exists`);
      return run;
    },
  });
  return { run: value, replayed };
}

/** Which key guards a request, and the request it stands for (hashed). */
export interface IdempotencyKeyScope {
  accountId: string;
  operation: IdempotentOperation;
  key: string | undefined;
  request: unknown;
}

/** How a keyed result is written down with its key, and found again from the key's record. */
export interface IdempotentResult<T> {
  remember(value: T): { runId?: string; response?: unknown };
  replay(tx: Db, record: IdempotencyRecord): Promise<T>;
}

/**
 * The rule of every idempotent operation, whatever it creates: `create` runs in the transaction that
 * reserves the key; the same key and request answer the first result (`replayed`), a key used for
 * another request or operation is `idempotency_key_mismatch`, a key still in flight is
 * `idempotency_key_in_use`.
 */
export async function createIdempotently<T>(
  deps: Pick<EngineDeps, "db" | "clock" | "config">,
  scope: IdempotencyKeyScope,
  create: (tx: Db) => Promise<T>,
  result: IdempotentResult<T>,
): Promise<{ value: T; replayed: boolean }> {
  const { key } = scope;
  if (key === undefined) return { value: await deps.db.transaction(create), replayed: false };
  const where = { accountId: scope.accountId, key };
  const requestHash = hashRequest(scope.request);
  return deps.db.transaction(async (tx) => {
    const now = deps.clock();
    const expiresAt = new Date(now.getTime() + deps.config.idempotencyTtlMs);
    if (await reserveIdempotencyKey(tx, where, scope.operation, requestHash, now, expiresAt)) {
      const value = await create(tx);
      const remembered = result.remember(value);
      await completeIdempotencyKey(tx, where, remembered.runId ?? null, remembered.response);
      return { value, replayed: false };
    }
    const record = await findIdempotencyKey(tx, where);
    // Another operation with the same key is another request (the IETF draft's 422), not a fresh key.
    if (record && (record.operation !== scope.operation || record.requestHash !== requestHash)) {
      throw new DomainError(
        "idempotency_key_mismatch",
        `Idempotency key '${key}' was already used with a different request (for ${record.operation})`,
      );
    }
    if (!record || record.state !== "done") {
      throw new DomainError("idempotency_key_in_use", `A request with idempotency key '${key}' is still in progress`);
    }
    return { value: await result.replay(tx, record), replayed: true };
  });
}

/** sha256 over canonical JSON (sorted keys), so key order in a payload does not matter. */
export function hashRequest(request: unknown): string {
  return createHash("sha256").update(canonicalJson(request)).digest("hex");
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}
