import type { ApiName, ContractOperation } from "./operations.ts";

/** What the console can do with runs, as far as the contract it was built from says. */
export interface RunControls {
  /** Rerun one finished run (both APIs). */
  rerun: boolean;
  /** Resume a run from one of its nodes (Altostrat). */
  resumeFrom: boolean;
  /** Cancel one run, when the contract has such an operation. */
  cancel?: ContractOperation;
  /** Rerun many runs of a workflow by filter, when the contract has such an operation. */
  bulkRerun?: ContractOperation;
}

/** The operations the console calls through the typed client, by API. */
const KNOWN = {
  altostrat: { rerun: "rerunWorkflowRun", resumeFrom: "resumeWorkflowRunFromNode" },
  alloy: { rerun: "rerunWorkflowExecution", resumeFrom: undefined },
} as const satisfies Record<ApiName, { rerun: string; resumeFrom: string | undefined }>;

/** Path parameters that name one run in either contract. */
const RUN_PARAMS = new Set(["runId", "executionId"]);
const WORKFLOW_PARAM = "workflowId";

/**
 * Finds the run controls a contract offers. Rerun and resume-from are the contracts' own operations;
 * cancel and bulk rerun are recognised by shape, so they appear once a contract adds them:
 * - cancel: a POST whose path ends in `/cancel` and names one run (`{runId}` or `{executionId}`,
 *   optionally with `{workflowId}`);
 * - bulk rerun: a POST whose operationId or path says both "bulk" and "rerun" and whose only path
 *   parameter, if any, is `{workflowId}`.
 */
export function findRunControls(api: ApiName, operations: readonly ContractOperation[]): RunControls {
  const has = (id: string | undefined) => id !== undefined && operations.some((op) => op.operationId === id);
  const posts = operations.filter((op) => op.method.toLowerCase() === "post");
  const cancel = posts.find((op) => /\/cancel\/?$/i.test(op.path) && namesOneRun(op.path));
  const bulkRerun = posts.find((op) => {
    const words = `${op.operationId} ${op.path}`;
    return /bulk/i.test(words) && /rerun/i.test(words) && readPathParams(op.path).every((name) => name === WORKFLOW_PARAM);
  });
  return {
    rerun: has(KNOWN[api].rerun),
    resumeFrom: has(KNOWN[api].resumeFrom),
    ...(cancel ? { cancel } : {}),
    ...(bulkRerun ? { bulkRerun } : {}),
  };
}

/** The `{name}` parameters of a path template, in order. */
export function readPathParams(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

function namesOneRun(path: string): boolean {
  const params = readPathParams(path);
  return params.filter((name) => RUN_PARAMS.has(name)).length === 1 && params.every((name) => RUN_PARAMS.has(name) || name === WORKFLOW_PARAM);
}
