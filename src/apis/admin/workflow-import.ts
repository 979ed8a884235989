import { DomainError, type Engine, type WorkflowRecord } from "../../core/index.ts";

/** A workflow to import: `{ name, description?, definition }` of a file, and the API whose ids it gets. */
export interface WorkflowImport {
  accountId: string;
  name: string;
  description: string | null;
  definition: unknown;
  api: "altostrat" | "alloy";
}

/**
 * Creates the workflow, or a new version of the one with the same name (the account is created on
 * first use). The one rule behind `reprise workflows import`, with or without a running server.
 */
export async function importWorkflow(engine: Engine, input: WorkflowImport): Promise<{ workflow: WorkflowRecord; created: boolean }> {
  const existing = await engine.getWorkflowByName(input.accountId, input.name).catch((err: unknown) => {
    if (err instanceof DomainError && err.code === "workflow_not_found") return undefined;
    throw err;
  });
  if (existing) {
    const workflow = await engine.updateWorkflow({ accountId: input.accountId, workflowId: existing.id, description: input.description, definition: input.definition });
    return { workflow, created: false };
  }
  const workflow = await engine.createWorkflow({
    accountId: input.accountId,
    idStyle: input.api,
    name: input.name,
    description: input.description,
    definition: input.definition,
    withWebhook: input.api === "altostrat",
  });
  return { workflow, created: true };
}
