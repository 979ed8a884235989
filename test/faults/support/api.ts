/** Credentials of the tenant a fault test acts as, valid on every process of the fleet. */
export interface Tenant {
  accountId: string;
  token: string;
  apiKey: string;
}

/** One HTTP answer, or status 0 when no answer came (refused connection, reset, timeout). */
export interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
  headers: Headers;
  /** Milliseconds until the answer (or the failure). */
  ms: number;
  error?: string;
}

/** Sends one request; never throws, and gives up after `timeoutMs` (a hang is an answer too). */
export async function send(url: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<Answer> {
  const started = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    return { status: res.status, body, headers: res.headers, ms: performance.now() - started };
  } catch (err) {
    return { status: 0, body: undefined, headers: new Headers(), ms: performance.now() - started, error: String((err as Error).cause ?? err) };
  }
}

const json = { "content-type": "application/json" };
const altostratHeaders = (tenant: Tenant, key?: string) => ({ ...json, authorization: `Bearer ${tenant.token}`, ...(key ? { "idempotency-key": key } : {}) });
const alloyHeaders = (apiKey: string) => ({ ...json, authorization: `bearer ${apiKey}`, "x-api-version": "2025-09" });

/** The Altostrat calls the suite makes. */
export const altostrat = {
  execute: (base: string, tenant: Tenant, workflowId: string, context: Record<string, unknown>, key?: string) =>
    send(`${base}/workflows/${workflowId}/execute`, { method: "POST", headers: altostratHeaders(tenant, key), body: JSON.stringify({ context }) }),
  rerun: (base: string, tenant: Tenant, runId: string, key?: string) =>
    send(`${base}/workflows/runs/${runId}/rerun`, { method: "POST", headers: altostratHeaders(tenant, key) }),
  getRun: (base: string, tenant: Tenant, runId: string) => send(`${base}/workflows/runs/${runId}`, { headers: altostratHeaders(tenant) }),
};

/** The Alloy calls the suite makes; `apiKey` defaults to the tenant's. */
export const alloy = {
  run: (base: string, tenant: Tenant, workflowId: string, data: Record<string, unknown>, apiKey = tenant.apiKey) =>
    send(`${base}/run/workflow`, { method: "POST", headers: alloyHeaders(apiKey), body: JSON.stringify({ workflowId, userId: "fault-user", data }) }),
  rerun: (base: string, tenant: Tenant, workflowId: string, executionId: string) =>
    send(`${base}/workflows/${workflowId}/rerun/${executionId}`, { method: "POST", headers: alloyHeaders(tenant.apiKey) }),
  getExecution: (base: string, tenant: Tenant, executionId: string) => send(`${base}/logs/${executionId}`, { headers: alloyHeaders(tenant.apiKey) }),
};

/** The id of the run an accepted start created, whichever API and operation answered. */
export function startedRunId(answer: Answer): string | undefined {
  const body = answer.body ?? {};
  if (answer.status !== 200 && answer.status !== 202) return undefined;
  const nested = body.new_run as { id?: string } | undefined;
  return (body.executionId as string | undefined) ?? nested?.id ?? (body.id as string | undefined);
}

/** Runs `task(i)` for i < total with at most `concurrency` in flight; results in index order. */
export async function runBounded<T>(total: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(total);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return results;
}
