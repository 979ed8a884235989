import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine, WorkflowDefinition } from "../../src/core/index.ts";
import type { Db } from "../../src/store/index.ts";
import type { ManualClock } from "../support/clock.ts";
import { storesUnderTest } from "../support/stores.ts";
import { addWorkflow, createTestEngine, newAccount, openTestEngine } from "../support/engine.ts";
import { FAILING, LINEAR } from "../support/workflows.ts";

let server: Server;
let base: string;
const hits = new Map<string, number>();
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    if (req.url?.startsWith("/down")) return void res.writeHead(503).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const APPROVAL: WorkflowDefinition = {
  nodes: [
    { id: "start", type: "trigger" },
    { id: "big", type: "condition", config: { expression: "trigger.amount > 100" } },
    { id: "approve", type: "transform", config: { expression: "'approved ' & $string(trigger.amount)" } },
    { id: "reject", type: "transform", config: { expression: "'rejected'" } },
    { id: "after", type: "transform", config: { expression: "nodes.approve ? nodes.approve : nodes.reject" } },
  ],
  edges: [
    { source: "start", target: "big" },
    { source: "big", target: "approve", branch: "true" },
    { source: "big", target: "reject", branch: "false" },
    { source: "approve", target: "after" },
    { source: "reject", target: "after" },
  ],
};

describe.each(storesUnderTest())("run execution on $name", (store) => {
  let db: Db;
  let engine: Engine;
  let clock: ManualClock;
  let accountId: string;
  beforeAll(async () => {
    ({ db, engine, clock } = await openTestEngine(store));
    accountId = await newAccount(engine);
  });
  afterAll(() => db.close());

  const runToEnd = async (definition: WorkflowDefinition, payload: unknown) => {
    const wf = await addWorkflow(engine, accountId, definition);
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload });
    await engine.createWorker().drain();
    return engine.getRun(accountId, run.id);
  };

  it("passes each node's output to the next through the run context", async () => {
    const run = await runToEnd(LINEAR, { value: 20 });
    expect(run).toMatchObject({ status: "completed", errorMessage: null, attempts: 1, leaseOwner: null });
    expect(run.logs.find((l) => l.nodeId === "n2")?.output).toBe(41);
    expect(run.startedAt).toEqual(clock());
    expect(run.completedAt).toEqual(clock());
  });

  it.each([
    { amount: 500, ran: ["start", "big", "approve", "after"], result: "approved 500" },
    { amount: 5, ran: ["start", "big", "reject", "after"], result: "rejected" },
  ])("a condition routes amount $amount to its branch only", async ({ amount, ran, result }) => {
    const run = await runToEnd(APPROVAL, { amount });
    expect(run.status).toBe("completed");
    expect(run.logs.map((l) => l.nodeId)).toEqual(ran);
    expect(run.logs.at(-1)?.output).toBe(result);
  });

  it("a failing node writes an error log and fails the run naming the node and cause", async () => {
    const run = await runToEnd(FAILING, { value: 3 });
    expect(run.status).toBe("failed");
    expect(run.errorMessage).toBe("Node 'boom' (fail) failed: value 3 rejected");
    expect(run.logs.at(-1)).toMatchObject({ nodeId: "boom", componentId: "fail", status: "error", output: { error: "value 3 rejected" } });
  });

  it("an http_request answered 503 fails the run with the status in the message", async () => {
    const run = await runToEnd(
      {
        nodes: [
          { id: "start", type: "trigger" },
          { id: "n1", type: "http_request", config: { method: "GET", url: `${base}/ok/{{ trigger.id }}` } },
          { id: "n2", type: "http_request", config: { method: "POST", url: `${base}/down`, body: { from: "{{ nodes.n1.body.path }}" } } },
          { id: "n3", type: "transform", config: { expression: "'never'" } },
        ],
        edges: [
          { source: "start", target: "n1" },
          { source: "n1", target: "n2" },
          { source: "n2", target: "n3" },
        ],
      },
      { id: "abc" },
    );
    expect(run.status).toBe("failed");
    expect(run.errorMessage).toBe("Node 'n2' (http_request) failed: 503 Service Unavailable");
    expect(run.logs.map((l) => [l.nodeId, l.status])).toEqual([
      ["start", "success"],
      ["n1", "success"],
      ["n2", "error"],
    ]);
    expect(run.logs[1]?.output).toMatchObject({ status: 200, body: { path: "/ok/abc" } });
  });

  it("refuses private destinations unless the engine allows them", async () => {
    const strict = createTestEngine(db, { clock, config: { allowPrivateNetworks: false } }).engine;
    const wf = await addWorkflow(strict, accountId, {
      nodes: [
        { id: "start", type: "trigger" },
        { id: "meta", type: "http_request", config: { method: "GET", url: "http://169.254.169.254/latest/meta-data" } },
      ],
      edges: [{ source: "start", target: "meta" }],
    });
    const { run } = await strict.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    await strict.createWorker().drain();
    expect((await strict.getRun(accountId, run.id)).errorMessage).toMatch(/^Node 'meta' \(http_request\) failed: destination 169.254.169.254 .* refused/);
  });

  it("a run executes the workflow version it recorded, even after an update", async () => {
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 1 } });
    await engine.updateWorkflow({ accountId, workflowId: wf.id, definition: FAILING });
    await engine.createWorker().drain();
    const done = await engine.getRun(accountId, run.id);
    expect(done).toMatchObject({ status: "completed", workflowVersion: 1 });
  });

  it("a delay puts the run back to pending, frees the worker, and resumes on time without rerunning earlier nodes", async () => {
    const wf = await addWorkflow(engine, accountId, {
      nodes: [
        { id: "start", type: "trigger" },
        { id: "before", type: "http_request", config: { method: "GET", url: `${base}/before-delay-${store.name}` } },
        { id: "wait", type: "delay", config: { seconds: 3600 } },
        { id: "after", type: "http_request", config: { method: "GET", url: `${base}/after-delay-${store.name}` } },
      ],
      edges: [
        { source: "start", target: "before" },
        { source: "before", target: "wait" },
        { source: "wait", target: "after" },
      ],
    });
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    const worker = engine.createWorker();
    expect(await worker.tick()).toBe(1);
    const waiting = await engine.getRun(accountId, run.id);
    expect(waiting).toMatchObject({ status: "pending", leaseOwner: null, attempts: 0 });
    expect(waiting.availableAt.getTime()).toBe(clock().getTime() + 3600_000);
    expect(waiting.logs.at(-1)).toMatchObject({ nodeId: "wait", status: "success", output: { seconds: 3600 } });
    expect(worker.inFlight).toBe(0);

    clock.advance(3599_000);
    expect(await worker.tick()).toBe(0);
    clock.advance(1000);
    expect(await engine.createWorker().tick()).toBe(1);
    const done = await engine.getRun(accountId, run.id);
    expect(done.status).toBe("completed");
    expect(done.logs.map((l) => l.nodeId)).toEqual(["start", "before", "wait", "after"]);
    expect(hits.get(`/before-delay-${store.name}`)).toBe(1);
    expect(hits.get(`/after-delay-${store.name}`)).toBe(1);
  });

  it("a delayed run survives closing and reopening the store", async () => {
    const shared = await store.openShared();
    try {
      const first = await shared.open();
      const e1 = createTestEngine(first, { clock }).engine;
      const acct = await newAccount(e1);
      const wf = await addWorkflow(e1, acct, {
        nodes: [
          { id: "start", type: "trigger" },
          { id: "wait", type: "delay", config: { seconds: 60 } },
          { id: "end", type: "transform", config: { expression: "trigger.v" } },
        ],
        edges: [
          { source: "start", target: "wait" },
          { source: "wait", target: "end" },
        ],
      });
      const { run } = await e1.executeWorkflow({ accountId: acct, workflowId: wf.id, payload: { v: "kept" } });
      await e1.createWorker().tick();
      await first.close();

      clock.advance(61_000);
      const second = await shared.open();
      const e2 = createTestEngine(second, { clock }).engine;
      await e2.createWorker().drain();
      const done = await e2.getRun(acct, run.id);
      expect(done.status).toBe("completed");
      expect(done.logs.map((l) => [l.nodeId, l.status])).toEqual([
        ["start", "success"],
        ["wait", "success"],
        ["end", "success"],
      ]);
      await second.close();
    } finally {
      await shared.dispose();
    }
  });
});
