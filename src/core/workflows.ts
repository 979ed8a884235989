import {
  findWorkflow,
  findWorkflowByName,
  findWorkflowByWebhookToken,
  findWorkflowIdByName,
  insertWorkflow,
  listWorkflowRows,
  updateWorkflowRow,
  type WorkflowRecord,
} from "../store/index.ts";
import type { IdStyle } from "../domain/index.ts";
import { ensureAccount } from "./accounts.ts";
import { parseDefinition } from "./definition.ts";
import type { EngineDeps } from "./deps.ts";
import { DomainError } from "./errors.ts";

type Deps = Pick<EngineDeps, "db" | "clock" | "ids" | "sandbox">;

/** Input of createWorkflow; the definition is validated before anything is stored. */
export interface CreateWorkflowInput {
  accountId: string;
  idStyle: IdStyle;
  name: string;
  description?: string | null;
  definition: unknown;
  /** Give the workflow a webhook token (Altostrat webhooks trigger). */
  withWebhook?: boolean;
}

/** Creates a workflow at version 1, and its account if that does not exist yet. */
export async function createWorkflow(deps: Deps, input: CreateWorkflowInput): Promise<WorkflowRecord> {
  const definition = await parseDefinition(input.definition, deps.sandbox, input.accountId);
  const now = deps.clock();
  // Accounts are created on first use: the caller was authenticated (README, Authentication).
  await ensureAccount(deps, input.accountId);
  return insertWorkflow(deps.db, {
    id: deps.ids.workflow(input.idStyle),
    accountId: input.accountId,
    idStyle: input.idStyle,
    name: input.name,
    description: input.description ?? null,
    version: 1,
    definition,
    webhookToken: input.withWebhook ? deps.ids.webhookToken() : null,
    createdAt: now,
    updatedAt: now,
  });
}

/** An account's workflow, or workflow_not_found. */
export async function getWorkflow(deps: Pick<EngineDeps, "db">, accountId: string, workflowId: string): Promise<WorkflowRecord> {
  const wf = await findWorkflow(deps.db, accountId, workflowId);
  if (!wf) throw new DomainError("workflow_not_found", `Workflow ${workflowId} not found`);
  return wf;
}

/** The workflow a webhook token triggers, or workflow_not_found. */
export async function getWorkflowByWebhookToken(deps: Pick<EngineDeps, "db">, token: string): Promise<WorkflowRecord> {
  const wf = await findWorkflowByWebhookToken(deps.db, token);
  // The token is a credential: never echo it back in the message.
  if (!wf) throw new DomainError("workflow_not_found", "No workflow has this webhook token");
  return wf;
}

/** An account's workflow by name (Alloy's `workflowName`), or workflow_not_found. */
export async function getWorkflowByName(deps: Pick<EngineDeps, "db">, accountId: string, name: string): Promise<WorkflowRecord> {
  const wf = await findWorkflowByName(deps.db, accountId, name);
  if (!wf) throw new DomainError("workflow_not_found", `Workflow named '${name}' not found`);
  return wf;
}

/** The id of an account's newest workflow of one API's id style with this name, or workflow_not_found. */
export async function getWorkflowIdByName(deps: Pick<EngineDeps, "db">, scope: { accountId: string; idStyle: IdStyle }, name: string): Promise<string> {
  const id = await findWorkflowIdByName(deps.db, scope, name);
  if (!id) throw new DomainError("workflow_not_found", `Workflow named '${name}' not found`);
  return id;
}

/** An account's workflows, newest first. */
export async function listWorkflows(
  deps: Pick<EngineDeps, "db">,
  input: { accountId: string; limit?: number; offset?: number },
): Promise<WorkflowRecord[]> {
  return listWorkflowRows(deps.db, input.accountId, clampInt(input.limit, 1, 500, 100), clampInt(input.offset, 0, Number.MAX_SAFE_INTEGER, 0));
}

/** Changes to a workflow; the definition, when given, is validated. */
export interface UpdateWorkflowInput {
  accountId: string;
  workflowId: string;
  name?: string;
  description?: string | null;
  definition?: unknown;
  /** true: issue a new webhook token; false: remove it. */
  webhook?: boolean;
}

/** Updates a workflow and bumps its version; runs already queued keep the version they recorded. */
export async function updateWorkflow(deps: Deps, input: UpdateWorkflowInput): Promise<WorkflowRecord> {
  const definition = input.definition === undefined ? undefined : await parseDefinition(input.definition, deps.sandbox, input.accountId);
  const webhookToken = input.webhook === undefined ? undefined : input.webhook ? deps.ids.webhookToken() : null;
  const wf = await updateWorkflowRow(
    deps.db,
    input.accountId,
    input.workflowId,
    { name: input.name, description: input.description, definition, webhookToken },
    deps.clock(),
  );
  if (!wf) throw new DomainError("workflow_not_found", `Workflow ${input.workflowId} not found`);
  return wf;
}

/** Clamps an optional integer into [min, max], or returns the fallback. */
export function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}
