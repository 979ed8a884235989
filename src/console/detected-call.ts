import type { ContractOperation } from "./operations.ts";
import { ApiError } from "./run-source.ts";

/**
 * The typed client's POST as seen by code that learns an operation's path at run time. The console was
 * compiled before such operations (cancel, bulk rerun) existed, so their paths are not in the client's
 * types yet; the call still goes through the client, with its base URL, headers and serialisation.
 */
interface DetectedPost {
  POST(path: string, init: { params: { path: Record<string, string> }; body?: unknown }): Promise<{ data?: unknown; error?: unknown; response: Response }>;
}

/** Calls an operation found by shape in the contract, filling its path parameters from `params`. */
export async function callDetectedOperation(client: object, operation: ContractOperation, params: Record<string, string>, body?: unknown): Promise<unknown> {
  const post = client as DetectedPost;
  const answer = await post.POST(operation.path, { params: { path: params }, ...(body === undefined ? {} : { body }) });
  // Such an operation may answer with no body (202, 204): success is the status, not the data.
  if (answer.error !== undefined || !answer.response.ok) throw new ApiError(answer.response.status, answer.error);
  return answer.data ?? null;
}
