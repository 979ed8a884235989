import type { components, operations } from "../../../generated/admin/schema.d.ts";

type Body<Op extends keyof operations> = operations[Op] extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;
type Answer<Op extends keyof operations, S extends number> = operations[Op]["responses"] extends Record<S, { content: { "application/json": infer A } }> ? A : never;

/** The admin API answered with an error (`status` and the body's `code`), or could not be reached (`status` 0). */
export declare class AdminRequestError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string);
}

/** A client of one server's admin listener. */
export interface AdminClient {
  readonly url: string;
  ensureAccount(input: Body<"ensureAccount">): Promise<components["schemas"]["Account"]>;
  createApiKey(accountId: string, input?: Body<"createApiKey">): Promise<Answer<"createApiKey", 201>>;
  mintToken(accountId: string, input?: Body<"mintToken">): Promise<Answer<"mintToken", 201>>;
  importWorkflow(accountId: string, input: Body<"importWorkflow">): Promise<components["schemas"]["ImportedWorkflow"]>;
}

export declare function createAdminClient(options: { url: string; token: string; fetcher?: typeof fetch }): AdminClient;
