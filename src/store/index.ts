// The store's surface: adapters, migrations and one named query function per statement. Core reaches
// the database only through these.
export { StoreUnavailableError, DataDirLockedError, MigrationError, type Db, type NotifyHandler } from "./db.ts";
export { openPglite, DEFAULT_DATA_DIR, type PgliteOptions, type StoreThread } from "./adapters/pglite.ts";
export { openPostgres, type PostgresOptions } from "./adapters/postgres.ts";
export { acquireDirLock, lockPathFor, DataDirError, type DirLock } from "./adapters/dir-lock.ts";
export { connectWithRetry, describePostgresTarget, StoreStartupTimeoutError, type StartupRetryOptions } from "./connect-with-retry.ts";
export { openStore, resolveStore, type OpenStoreOptions, type ResolvedStore, type StoreLocation } from "./open-store.ts";
export { migrate, loadMigrations, readSchemaVersion, type Migration } from "./migrate.ts";
export type { AccountRecord, ApiKeyRecord, WorkflowRecord, RunRecord, NodeLogRecord, IdempotencyState, IdempotencyRecord } from "./records.ts";
export {
  insertAccount,
  ensureAccountRow,
  findAccount,
  insertApiKey,
  findAccountIdByKeyHash,
  revokeApiKeyRow,
  listApiKeyRows,
} from "./queries/accounts.ts";
export {
  insertWorkflow,
  findWorkflow,
  findWorkflowByWebhookToken,
  findWorkflowByName,
  listWorkflowRows,
  updateWorkflowRow,
  findWorkflowVersion,
  type WorkflowChanges,
} from "./queries/workflows.ts";
export { findWorkflowIdByName, listEventWorkflowIds, type WorkflowScope } from "./queries/workflow-lookups.ts";
export {
  RUNS_CHANNEL,
  CANCEL_NOTICE_PREFIX,
  insertRunBatch,
  findRun,
  listRunRows,
  DEFAULT_ACCOUNT_MAX_RUNNING,
  claimRuns,
  renewLeases,
  abandonExpiredRuns,
  type QueueRequest,
  type QueueRule,
  type QueueRefusal,
  type QueueOutcome,
  type RunListQuery,
  type ClaimRequest,
  type ClaimedRun,
  countQueuedRunsByAccount,
} from "./queries/runs.ts";
export { settleRuns, type SettleOutcome, type Settlement } from "./queries/settle.ts";
export { cancelRunRows, type CancelQuery, type CancelResult } from "./queries/cancel.ts";
export { deliverNodeInput, expireAwaitingRuns, type Delivery, type ExpiryWords } from "./queries/ui-input.ts";
export { copyLogs, listRunLogs, listLogsForRuns, listLogRows, type NewLog, type LogQuery } from "./queries/logs.ts";
export { countWorkflowLogs, type WorkflowLogCounts, type WorkflowLogCountsQuery } from "./queries/log-stats.ts";
export { reserveIdempotencyKey, findIdempotencyKey, completeIdempotencyKey, type IdempotencyScope } from "./queries/idempotency.ts";
export { purgeRunsBefore, purgeExpiredIdempotencyKeys } from "./queries/retention.ts";
export { pingStore } from "./queries/health.ts";
export {
  insertRerunJob,
  findRerunJob,
  lockDueRerunJob,
  listRerunSources,
  advanceRerunJob,
  cancelRerunJobRow,
  nextRerunJobDue,
  purgeRerunJobsBefore,
  type RerunJobRecord,
  type NewRerunJob,
  type RerunSource,
  type RerunJobAdvance,
} from "./queries/rerun-jobs.ts";
