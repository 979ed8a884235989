import { EventEmitter } from "node:events";
import type { Request, Response } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdmission, type Admission } from "../../../src/apis/http/admission.ts";
import { HttpProblem } from "../../../src/apis/http/problem.ts";
import { openStore, type Db } from "../../../src/store/index.ts";
import { expectError } from "../../support/error-body.ts";
import { createAlloyWorkflow, createAltostratWorkflow, executeAltostrat, waitForExecution, waitForRun } from "../../support/http-runs.ts";
import { startTestServer, waitFor, type TestServer, type TestTenant } from "../../support/servers.ts";
import { ECHO } from "../../support/workflows.ts";

/** Wraps a store so the test can hold every statement: while shut, statements wait until it opens. */
function createGatedDb(db: Db): Db & { shut(): void; open(): void; readonly waiting: number } {
  let gate: { promise: Promise<void>; release: () => void } | undefined;
  let waiting = 0;
  const pass = async () => {
    while (gate) {
      waiting += 1;
      await gate.promise.finally(() => (waiting -= 1));
    }
  };
  return {
    kind: db.kind,
    query: async <T,>(text: string, values?: unknown[]) => (await pass(), db.query<T>(text, values)),
    transaction: async <T,>(fn: (tx: Db) => Promise<T>) => (await pass(), db.transaction(fn)),
    ...(db.listen ? { listen: db.listen.bind(db) } : {}),
    close: () => db.close(),
    shut() {
      let release!: () => void;
      const promise = new Promise<void>((resolve) => (release = resolve));
      gate ??= { promise, release };
    },
    open() {
      const held = gate;
      gate = undefined;
      held?.release();
    },
    get waiting() {
      return waiting;
    },
  };
}

describe("admission control on the operations that queue runs", () => {
  let store: ReturnType<typeof createGatedDb>;
  let admission: Admission;
  let server: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  const wf = { altostrat: "", alloy: "" };
  const source = { runId: "", executionId: "", otherRunId: "" };

  beforeAll(async () => {
    store = createGatedDb(await openStore({ memory: true }));
    // A tiny bound: two requests of one account, three in all, fill it.
    admission = createAdmission({ maxInFlight: 3, accountMaxInFlight: 2, maxEventLoopDelayMs: 0, accountMaxQueuedRuns: 0, retryAfterSeconds: 7 });
    server = await startTestServer({}, { db: store, admission });
    [a, b] = [await server.createTenant(), await server.createTenant()];
    wf.altostrat = (await createAltostratWorkflow(a, ECHO)).id;
    wf.alloy = (await createAlloyWorkflow(server, a, ECHO)).id;
    source.runId = (await waitForRun(a, (await executeAltostrat(a, wf.altostrat)).id)).id;
    const started = await a.alloy.POST("/run/workflow", { body: { workflowId: wf.alloy, userId: "u1", data: {} } });
    source.executionId = (await waitForExecution(a, started.data!.executionId)).executionId;
    source.otherRunId = (await waitForRun(b, (await executeAltostrat(b, (await createAltostratWorkflow(b, ECHO)).id)).id)).id;
  });
  afterAll(async () => {
    store?.open();
    admission?.stop();
    await server?.stop();
    await store?.close();
  });

  const altostratHeaders = (t: TestTenant) => ({ Authorization: `Bearer ${t.token}`, "content-type": "application/json" });
  const alloyHeaders = (t: TestTenant) => ({ Authorization: `bearer ${t.apiKey}`, "x-api-version": "2025-09", "content-type": "application/json" });
  const rerunAltostrat = (t: TestTenant, signal?: AbortSignal) =>
    fetch(`${server.altostratUrl}/workflows/runs/${t === a ? source.runId : source.otherRunId}/rerun`, { method: "POST", headers: altostratHeaders(t), ...(signal ? { signal } : {}) });
  const refusable = () => [
    { api: "altostrat" as const, send: () => rerunAltostrat(a), op: { path: "/workflows/runs/{runId}/rerun", method: "post" } },
    {
      api: "altostrat" as const,
      send: () => fetch(`${server.altostratUrl}/workflows/${wf.altostrat}/execute`, { method: "POST", headers: altostratHeaders(a), body: "{}" }),
      op: { path: "/workflows/{workflowId}/execute", method: "post" },
    },
    {
      api: "alloy" as const,
      send: () => fetch(`${server.alloyUrl}/workflows/${wf.alloy}/rerun/${source.executionId}`, { method: "POST", headers: alloyHeaders(a) }),
      op: { path: "/workflows/{workflowId}/rerun/{executionId}", method: "post" },
    },
    {
      api: "alloy" as const,
      send: () => fetch(`${server.alloyUrl}/run/workflow`, { method: "POST", headers: alloyHeaders(a), body: JSON.stringify({ workflowId: wf.alloy, userId: "u1", data: {} }) }),
      op: { path: "/run/workflow", method: "post" },
    },
  ];

  it("answers 503 overloaded with Retry-After in each API's shape while the bound is full, then accepts again and loses nothing", async () => {
    store.shut();
    const held = [rerunAltostrat(a), rerunAltostrat(a)];
    await waitFor(async () => admission.inFlight, (n) => n === 2);
    expect(admission.inFlight).toBe(2);

    for (const { api, send, op } of refusable()) {
      const answer = await expectError(api, await send(), { status: 503, code: "overloaded", op, ...(api === "altostrat" ? { type: "api_error" } : {}) });
      expect(answer.headers.get("retry-after"), `${api} ${op.path}`).toBe("7");
    }
    // Another account still has room under the total: admitted, and held like the others.
    const other = rerunAltostrat(b);
    await waitFor(async () => admission.inFlight, (n) => n === 3);
    expect(admission.inFlight).toBe(3);
    const full = await rerunAltostrat(b);
    await expectError("altostrat", full, { status: 503, code: "overloaded", type: "api_error", op: { path: "/workflows/runs/{runId}/rerun", method: "post" } });

    store.open();
    const accepted = await Promise.all([...held, other]);
    expect(accepted.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(admission.inFlight).toBe(0);
    for (const { send } of refusable()) expect((await send()).status).toBeLessThan(300);

    const runIds = await Promise.all(accepted.map(async (r) => ((await r.json()) as { new_run: { id: string } }).new_run.id));
    for (const [i, runId] of runIds.entries()) expect((await waitForRun(i < 2 ? a : b, runId)).status).toBe("completed");
  });

  it("gives a place back when its client goes away before the answer", async () => {
    store.shut();
    try {
      const abort = new AbortController();
      const gone = rerunAltostrat(a, abort.signal).catch((err: unknown) => err);
      await waitFor(async () => admission.inFlight, (n) => n === 1);
      abort.abort();
      await gone;
      await waitFor(async () => admission.inFlight, (n) => n === 0);
      expect(admission.inFlight).toBe(0);
    } finally {
      store.open();
    }
  });
});

describe("admission control on a late event loop", () => {
  /** Asks the gate about one request of `accountId`; resolves to what it passed on (undefined: admitted). */
  const ask = (admission: Admission) =>
    new Promise<unknown>((resolve) => {
      const res = Object.assign(new EventEmitter(), { locals: { ctx: { accountId: "acct" } } });
      admission.admit({} as Request, res as unknown as Response, resolve);
      res.emit("finish");
    });
  /** Keeps the loop busy in 200 ms slices until `done`, as a server past its sustainable rate is. */
  const hogUntil = async (done: () => boolean) => {
    for (let i = 0; i < 100 && !done(); i++) {
      const until = performance.now() + 200;
      while (performance.now() < until);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  it("refuses with 503 overloaded while the loop's delay stays above the bound, and admits again once it falls", async () => {
    const admission = createAdmission({ maxInFlight: 100, accountMaxInFlight: 100, maxEventLoopDelayMs: 50, accountMaxQueuedRuns: 0, retryAfterSeconds: 3 });
    try {
      expect(await ask(admission)).toBeUndefined();
      await hogUntil(() => admission.lagging);
      expect(admission.lagging).toBe(true);
      const refused = await ask(admission);
      expect(refused).toBeInstanceOf(HttpProblem);
      expect(refused).toMatchObject({ status: 503, code: "overloaded", retryAfterSeconds: 3 });
      await waitFor(async () => admission.lagging, (lagging) => !lagging);
      expect(await ask(admission)).toBeUndefined();
      expect(admission.inFlight).toBe(0);
    } finally {
      admission.stop();
    }
  });
});

describe("admission control on queued work", () => {
  let server: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  const wf = { a: "", b: "" };

  beforeAll(async () => {
    // No workers: every accepted run stays queued.
    server = await startTestServer({ ADMISSION_ACCOUNT_MAX_QUEUED_RUNS: "3", ADMISSION_RETRY_AFTER_SECONDS: "4" }, { workers: false });
    [a, b] = [await server.createTenant(), await server.createTenant()];
    wf.a = (await createAltostratWorkflow(a, ECHO)).id;
    wf.b = (await createAltostratWorkflow(b, ECHO)).id;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const execute = (t: TestTenant, workflowId: string) =>
    fetch(`${server.altostratUrl}/workflows/${workflowId}/execute`, { method: "POST", headers: { Authorization: `Bearer ${t.token}`, "content-type": "application/json" }, body: "{}" });

  it("refuses an account's new runs with 503 overloaded once it has the bound queued, leaves other accounts alone, and accepts again once its queue drains", async () => {
    for (let i = 0; i < 3; i++) expect((await execute(a, wf.a)).status).toBe(202);
    const refused = await expectError("altostrat", await execute(a, wf.a), { status: 503, code: "overloaded", type: "api_error", op: { path: "/workflows/{workflowId}/execute", method: "post" } });
    expect(refused.headers.get("retry-after")).toBe("4");
    // Still refused after the store's own count replaced the admitted tally.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await execute(a, wf.a)).status).toBe(503);
    expect((await execute(b, wf.b)).status).toBe(202);

    // The queue drains (here: cancelled); the next count lets the account in again.
    await server.engine.cancelRuns({ accountId: a.accountId, workflowId: wf.a, statuses: ["pending"] });
    await waitFor(async () => (await execute(a, wf.a)).status, (status) => status === 202);
  });
});
