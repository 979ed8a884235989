import type { Db } from "../db.ts";
import type { WorkflowDefinition } from "../../domain/index.ts";
import type { WorkflowRecord } from "../records.ts";

const WORKFLOW_COLUMNS = `id, account_id AS "accountId", id_style AS "idStyle", name, description, version, definition,
  webhook_token AS "webhookToken", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Inserts a workflow and its first version row. */
export async function insertWorkflow(db: Db, wf: WorkflowRecord): Promise<WorkflowRecord> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<WorkflowRecord>(
      `INSERT INTO workflows (id, account_id, id_style, name, description, version, definition, webhook_token, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10) RETURNING ${WORKFLOW_COLUMNS}`,
      [wf.id, wf.accountId, wf.idStyle, wf.name, wf.description, wf.version, JSON.stringify(wf.definition), wf.webhookToken, wf.createdAt, wf.updatedAt],
    );
    await insertVersion(tx, wf.id, wf.version, wf.definition, wf.createdAt);
    return rows[0]!;
  });
}

/** Finds an account's workflow. */
export async function findWorkflow(db: Db, accountId: string, id: string): Promise<WorkflowRecord | undefined> {
  const { rows } = await db.query<WorkflowRecord>(
    `SELECT ${WORKFLOW_COLUMNS} FROM workflows WHERE id = $1 AND account_id = $2`,
    [id, accountId],
  );
  return rows[0];
}

/** Finds a workflow by its webhook token (the token is the credential, so no account filter). */
export async function findWorkflowByWebhookToken(db: Db, token: string): Promise<WorkflowRecord | undefined> {
  const { rows } = await db.query<WorkflowRecord>(`SELECT ${WORKFLOW_COLUMNS} FROM workflows WHERE webhook_token = $1`, [token]);
  return rows[0];
}

/** Finds an account's newest workflow with this name. */
export async function findWorkflowByName(db: Db, accountId: string, name: string): Promise<WorkflowRecord | undefined> {
  const { rows } = await db.query<WorkflowRecord>(
    `SELECT ${WORKFLOW_COLUMNS} FROM workflows WHERE account_id = $1 AND name = $2 ORDER BY created_at DESC LIMIT 1`,
    [accountId, name],
  );
  return rows[0];
}

/** An account's workflows, newest first. */
export async function listWorkflowRows(db: Db, accountId: string, limit: number, offset: number): Promise<WorkflowRecord[]> {
  const { rows } = await db.query<WorkflowRecord>(
    `SELECT ${WORKFLOW_COLUMNS} FROM workflows WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
    [accountId, limit, offset],
  );
  return rows;
}

/** Fields an update may change; the version is bumped when the definition is given. */
export interface WorkflowChanges {
  name?: string;
  description?: string | null;
  definition?: WorkflowDefinition;
  webhookToken?: string | null;
}

/** Applies changes, bumping the version by one and recording the new definition. */
export async function updateWorkflowRow(
  db: Db,
  accountId: string,
  id: string,
  changes: WorkflowChanges,
  at: Date,
): Promise<WorkflowRecord | undefined> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<WorkflowRecord>(
      `UPDATE workflows SET
         name = COALESCE($3, name),
         description = CASE WHEN $4::boolean THEN $5 ELSE description END,
         definition = COALESCE($6::jsonb, definition),
         webhook_token = CASE WHEN $7::boolean THEN $8 ELSE webhook_token END,
         version = version + 1,
         updated_at = $9
       WHERE id = $1 AND account_id = $2 RETURNING ${WORKFLOW_COLUMNS}`,
      [
        id,
        accountId,
        changes.name ?? null,
        changes.description !== undefined,
        changes.description ?? null,
        changes.definition ? JSON.stringify(changes.definition) : null,
        changes.webhookToken !== undefined,
        changes.webhookToken ?? null,
        at,
      ],
    );
    const wf = rows[0];
    if (wf) await insertVersion(tx, wf.id, wf.version, wf.definition, at);
    return wf;
  });
}

/** The definition a run recorded. */
export async function findWorkflowVersion(db: Db, workflowId: string, version: number): Promise<WorkflowDefinition | undefined> {
  const { rows } = await db.query<{ definition: WorkflowDefinition }>(
    `SELECT definition FROM workflow_versions WHERE workflow_id = $1 AND version = $2`,
    [workflowId, version],
  );
  return rows[0]?.definition;
}

async function insertVersion(db: Db, workflowId: string, version: number, definition: WorkflowDefinition, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO workflow_versions (workflow_id, version, definition, created_at) VALUES ($1, $2, $3::jsonb, $4)`,
    [workflowId, version, JSON.stringify(definition), at],
  );
}
