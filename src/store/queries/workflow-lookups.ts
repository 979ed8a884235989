import type { Db } from "../db.ts";

/** Which workflows of one account and one API's id style to look at. */
export interface WorkflowScope {
  accountId: string;
  /** `altostrat` or `alloy`: an API only ever starts workflows whose run ids it can show. */
  idStyle: string;
}

/** The id of the account's newest workflow of this style with this name, if any. */
export async function findWorkflowIdByName(db: Db, scope: WorkflowScope, name: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM workflows WHERE account_id = $1 AND id_style = $2 AND name = $3 ORDER BY created_at DESC, id DESC LIMIT 1`,
    [scope.accountId, scope.idStyle, name],
  );
  return rows[0]?.id;
}

/**
 * Ids of the account's workflows of this style whose trigger node subscribes to `event`
 * (`config.event`), oldest first, at most `limit`. jsonb containment: a node of the definition
 * that contains `{"type": "trigger", "config": {"event": …}}`.
 */
export async function listEventWorkflowIds(db: Db, scope: WorkflowScope, event: string, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM workflows
     WHERE account_id = $1 AND id_style = $2 AND definition -> 'nodes' @> $3::jsonb
     ORDER BY created_at, id LIMIT $4`,
    [scope.accountId, scope.idStyle, JSON.stringify([{ type: "trigger", config: { event } }]), limit],
  );
  return rows.map((row) => row.id);
}
