import type { AccountRecord, ApiKeyRecord, RerunJobRecord, RunRecord, WorkflowRecord } from "../store/index.ts";
import { countQueuedRunsByAccount } from "../store/index.ts";
import * as accounts from "./accounts.ts";
import * as bulkRerun from "./bulk-rerun.ts";
import * as cancel from "./cancel.ts";
import { checkDefinition } from "./definition.ts";
import { resolveDeps, type EngineOptions } from "./deps.ts";
import { toDomainError, type Problem } from "./errors.ts";
import * as events from "./events.ts";
import { createFinishedRunCache } from "./finished-runs.ts";
import * as rerun from "./rerun.ts";
import { startRerunJobRunner, type RerunJobRunner, type RerunJobRunnerOptions } from "./rerun-job-runner.ts";
import { createRunQueue } from "./run-queue.ts";
import { purgeExpired, startRetention, type PurgeOptions, type PurgeResult, type RetentionTask } from "./retention.ts";
import * as runs from "./runs.ts";
import * as uiInput from "./ui-input.ts";
import { createWorker, type Worker, type WorkerOptions } from "./worker.ts";
import * as workflows from "./workflows.ts";
import type { StartedRun } from "./idempotency.ts";

/** Every core verb bound to one store and one injected world. */
export interface Engine {
  createAccount(input: { name: string; id?: string }): Promise<AccountRecord>;
  getAccount(accountId: string): Promise<AccountRecord | null>;
  createApiKey(accountId: string, options?: { name?: string }): Promise<accounts.CreatedApiKey>;
  listApiKeys(accountId: string): Promise<ApiKeyRecord[]>;
  resolveApiKey(plaintext: string): Promise<string | null>;
  revokeApiKey(accountId: string, keyId: string): Promise<boolean>;
  /** Every problem of a definition (shape, then expressions compiled in the sandbox); nothing is stored. */
  validateWorkflowDefinition(definition: unknown, accountId: string): Promise<Problem[]>;
  createWorkflow(input: workflows.CreateWorkflowInput): Promise<WorkflowRecord>;
  getWorkflow(accountId: string, workflowId: string): Promise<WorkflowRecord>;
  getWorkflowByWebhookToken(token: string): Promise<WorkflowRecord>;
  getWorkflowByName(accountId: string, name: string): Promise<WorkflowRecord>;
  getWorkflowIdByName(scope: { accountId: string; idStyle: WorkflowRecord["idStyle"] }, name: string): Promise<string>;
  listWorkflows(input: { accountId: string; limit?: number; offset?: number }): Promise<WorkflowRecord[]>;
  updateWorkflow(input: workflows.UpdateWorkflowInput): Promise<WorkflowRecord>;
  executeWorkflow(input: runs.ExecuteWorkflowInput): Promise<StartedRun>;
  /** Starts every workflow subscribed to a custom event (at most events.MAX_EVENT_WORKFLOWS). */
  triggerEvent(input: events.TriggerEventInput): Promise<StartedRun[]>;
  getRun(accountId: string, runId: string): Promise<runs.RunWithLogs>;
  listRuns(input: runs.ListRunsInput): Promise<runs.RunPage>;
  listRunsWithLogs(input: runs.ListRunsInput): Promise<runs.RunPage<runs.RunWithLogs>>;
  listLogs(input: runs.ListLogsInput): Promise<Awaited<ReturnType<typeof runs.listLogs>>>;
  getLogStats(input: { accountId: string; workflowId: string }): Promise<runs.LogStats>;
  rerunRun(input: rerun.RerunInput): Promise<StartedRun>;
  resumeRunFromNode(input: rerun.ResumeInput): Promise<StartedRun>;
  /** Cancels one pending, delayed, running or waiting run (a running one stops at its next node boundary). */
  cancelRun(input: cancel.CancelRunInput): Promise<cancel.CancelledRun>;
  /** Cancels up to MAX_CANCEL_BATCH of a workflow's runs matching a filter, and says how many remain. */
  cancelRuns(input: cancel.CancelRunsInput): Promise<cancel.CancelRunsResult>;
  /** Records a bulk rerun job (202): a runner in any process queues its reruns page by page, paced. */
  createRerunJob(input: bulkRerun.CreateRerunJobInput): Promise<bulkRerun.StartedRerunJob>;
  getRerunJob(ref: bulkRerun.RerunJobRef): Promise<RerunJobRecord>;
  cancelRerunJob(ref: bulkRerun.RerunJobRef): Promise<RerunJobRecord>;
  /** Starts queueing the pages of due bulk rerun jobs (every serving process runs one). */
  startRerunJobRunner(options?: RerunJobRunnerOptions): RerunJobRunner;
  /** Delivers a person's input to a run waiting at a ui_interaction node; the run is queued again. */
  deliverInput(input: uiInput.DeliverInput): Promise<RunRecord>;
  purgeExpired(options?: PurgeOptions): Promise<PurgeResult>;
  /** Runs due to start and not yet claimed, per account that has any (what admission control weighs). */
  countQueuedRuns(): Promise<Map<string, number>>;
  createWorker(options?: WorkerOptions): Worker;
  startRetention(options?: PurgeOptions & { intervalMs?: number; clock?: () => Date; onError?: (err: unknown) => void; onPurged?: (result: PurgeResult) => void }): RetentionTask;
  /** Ends the sandbox processes this engine started (a sandbox passed in is its owner's to close). */
  close(): Promise<void>;
}

/**
 * Binds the verbs to `{ db, clock, ids, fetcher, lookup, config }` (only db is required) and
 * turns store outages into DomainError("store_unavailable").
 * @example const engine = createEngine({ db: await openStore() }); await engine.createWorker().start();
 */
export function createEngine(options: EngineOptions): Engine {
  const deps = resolveDeps(options);
  const queue = createRunQueue(deps);
  const finishedRuns = createFinishedRunCache({ maxEntries: 4_000, retentionDays: () => deps.config.retentionDays });
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      fn(...args).catch((err: unknown) => Promise.reject(toDomainError(err)));
  // deps stay in this closure: callers reach the store only through the verbs below.
  return {
    createAccount: guard((input) => accounts.createAccount(deps, input)),
    getAccount: guard((accountId) => accounts.getAccount(deps, accountId)),
    createApiKey: guard((accountId, opts) => accounts.createApiKey(deps, accountId, opts)),
    listApiKeys: guard((accountId) => accounts.listApiKeys(deps, accountId)),
    resolveApiKey: guard((plaintext) => accounts.resolveApiKey(deps, plaintext)),
    revokeApiKey: guard((accountId, keyId) => accounts.revokeApiKey(deps, accountId, keyId)),
    validateWorkflowDefinition: guard((definition, accountId) => checkDefinition(definition, deps.sandbox, accountId)),
    createWorkflow: guard((input) => workflows.createWorkflow(deps, input)),
    getWorkflow: guard((accountId, workflowId) => workflows.getWorkflow(deps, accountId, workflowId)),
    getWorkflowByWebhookToken: guard((token) => workflows.getWorkflowByWebhookToken(deps, token)),
    getWorkflowByName: guard((accountId, name) => workflows.getWorkflowByName(deps, accountId, name)),
    getWorkflowIdByName: guard((scope, name) => workflows.getWorkflowIdByName(deps, scope, name)),
    listWorkflows: guard((input) => workflows.listWorkflows(deps, input)),
    updateWorkflow: guard((input) => workflows.updateWorkflow(deps, input)),
    executeWorkflow: guard((input) => queue.execute(input)),
    triggerEvent: guard((input) => events.triggerEvent(deps, queue, input)),
    getRun: guard(async (accountId, runId) => {
      const cached = finishedRuns.get(accountId, runId, deps.clock());
      if (cached) return cached;
      const run = await runs.getRun(deps, accountId, runId);
      finishedRuns.remember(accountId, run, deps.clock());
      return run;
    }),
    listRuns: guard((input) => runs.listRuns(deps, input)),
    listRunsWithLogs: guard((input) => runs.listRunsWithLogs(deps, input)),
    listLogs: guard((input) => runs.listLogs(deps, input)),
    getLogStats: guard((input) => runs.getLogStats(deps, input)),
    rerunRun: guard((input) => queue.rerun(input)),
    resumeRunFromNode: guard((input) => rerun.resumeRunFromNode(deps, input)),
    cancelRun: guard((input) => cancel.cancelRun(deps, input)),
    cancelRuns: guard((input) => cancel.cancelRuns(deps, input)),
    createRerunJob: guard((input) => bulkRerun.createRerunJob(deps, input)),
    getRerunJob: guard((ref) => bulkRerun.getRerunJob(deps, ref)),
    cancelRerunJob: guard((ref) => bulkRerun.cancelRerunJob(deps, ref)),
    startRerunJobRunner: (opts) => startRerunJobRunner(deps, opts),
    deliverInput: guard((input) => uiInput.deliverInput(deps, input)),
    purgeExpired: guard(async (opts) => {
      const result = await purgeExpired(deps, opts);
      finishedRuns.clear();
      return result;
    }),
    countQueuedRuns: guard(() => countQueuedRunsByAccount(deps.db, deps.clock())),
    createWorker: (opts) => createWorker(deps, opts),
    close: async () => {
      if (!options.sandbox) await deps.sandbox.close();
    },
    startRetention: (opts) =>
      startRetention(deps, {
        ...opts,
        onPurged: (result) => {
          finishedRuns.clear();
          opts?.onPurged?.(result);
        },
      }),
  };
}
