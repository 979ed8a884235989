import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInThreadSandbox, type Engine, type WorkflowDefinition } from "../../src/core/index.ts";
import type { Db } from "../../src/store/index.ts";
import { storesUnderTest } from "../support/stores.ts";
import { addWorkflow, type CountingDb, newAccount, openCountingEngine } from "../support/engine.ts";
import { LINEAR } from "../support/workflows.ts";

// A local service: /seen/<runId> answers with the node ids that have a log for that run at the moment
// of the call; /nul answers JSON whose string holds a NUL character (which PostgreSQL text cannot store).
let server: Server;
let base: string;
let logsAtCall: (runId: string) => Promise<string[]> = async () => [];
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/nul") return void res.writeHead(200, { "content-type": "application/json" }).end('{"text":"a\\u0000b"}');
    const runId = req.url?.split("/")[2] ?? "";
    void logsAtCall(runId).then((nodes) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ nodes })));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe.each(storesUnderTest())("workers write a run's logs in batches on $name", (store) => {
  let db: Db;
  let counter: CountingDb;
  let engine: Engine;
  // Tenant code on the calling thread: what is counted here is the store's batching, not sandbox timing.
  beforeAll(async () => {
    ({ db, counter, engine } = await openCountingEngine(store, { sandbox: createInThreadSandbox() }));
    logsAtCall = async (runId) =>
      (await db.query<{ node_id: string }>(`SELECT node_id FROM node_logs WHERE run_id = $1 ORDER BY seq`, [runId])).rows.map((r) => r.node_id);
  });
  afterAll(() => db.close());

  it("a claim batch of engine-only runs is settled in a handful of statements, with every log in order", async () => {
    const accountId = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const started = await Promise.all(Array.from({ length: 20 }, (_, i) => engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: i } })));
    counter.reset();
    // No per-account cap here: this measures one claim batch of 20 runs of one account.
    await engine.createWorker({ concurrency: 20, accountMaxRunning: null }).drain();
    // One claim, one settlement of all 20 runs, the sweeps and the empty claim that ends the drain (3 statements a run before).
    expect(counter.count()).toBeLessThan(10);
    for (const [i, { run }] of started.entries()) {
      const done = await engine.getRun(accountId, run.id);
      expect(done.status).toBe("completed");
      expect(done.logs.map((l) => [l.nodeId, l.output])).toEqual([["start", { value: i }], ["n1", { doubled: 2 * i }], ["n2", 2 * i + 1]]);
    }
  });

  it("an HTTP call's log, and those before it, are written before the next node runs", async () => {
    const accountId = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId, {
      nodes: [
        { id: "start", type: "trigger" },
        { id: "shape", type: "transform", config: { expression: "{ 'id': trigger.id }" } },
        { id: "call1", type: "http_request", config: { method: "GET", url: `${base}/seen/{{ trigger.run }}` } },
        { id: "call2", type: "http_request", config: { method: "GET", url: `${base}/seen/{{ trigger.run }}` } },
      ],
      edges: [
        { source: "start", target: "shape" },
        { source: "shape", target: "call1" },
        { source: "call1", target: "call2" },
      ],
    } satisfies WorkflowDefinition);
    // The run reads its own id from the payload: queue, then rewrite the payload before any worker claims it.
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
    await db.query(`UPDATE runs SET trigger_payload = jsonb_build_object('run', id, 'id', 1) WHERE id = $1`, [run.id]);
    await engine.createWorker().drain();
    const done = await engine.getRun(accountId, run.id);
    expect(done.status).toBe("completed");
    const seen = Object.fromEntries(done.logs.map((l) => [l.nodeId, (l.output as { body?: { nodes?: string[] } }).body?.nodes]));
    // When call1 ran, nothing was written yet (engine-only nodes wait); when call2 ran, everything up to call1 was.
    expect(seen.call1).toEqual([]);
    expect(seen.call2).toEqual(["start", "shape", "call1"]);
  });

  it("a run whose output the store cannot hold fails naming the node; the runs settled with it complete", async () => {
    const accountId = await newAccount(engine);
    const good = await addWorkflow(engine, accountId, LINEAR);
    const bad = await addWorkflow(engine, accountId, {
      nodes: [
        { id: "start", type: "trigger" },
        { id: "fetch", type: "transform", config: { expression: "'ok'" } },
        { id: "nul", type: "http_request", config: { method: "GET", url: `${base}/nul` } },
      ],
      edges: [
        { source: "start", target: "fetch" },
        { source: "fetch", target: "nul" },
      ],
    });
    const goods = await Promise.all(Array.from({ length: 5 }, (_, i) => engine.executeWorkflow({ accountId, workflowId: good.id, payload: { value: i } })));
    const { run } = await engine.executeWorkflow({ accountId, workflowId: bad.id, payload: {} });
    const errors: unknown[] = [];
    await engine.createWorker({ concurrency: 10, onError: (err) => errors.push(err) }).drain();
    const failed = await engine.getRun(accountId, run.id);
    expect(failed.status).toBe("failed");
    // The tenant learns which node's output, never the store's own error text.
    expect(failed.errorMessage).toBe("The output of node 'nul' cannot be stored: it contains the character U+0000 or an unpaired UTF-16 surrogate.");
    expect(failed.logs).toEqual([]);
    expect(errors).toEqual([]);
    for (const { run: g } of goods) expect((await engine.getRun(accountId, g.id)).status).toBe("completed");
  });
});
