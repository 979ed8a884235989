import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError, type Engine, type WorkflowDefinition } from "../../src/core/index.ts";
import type { Db } from "../../src/store/index.ts";
import type { ManualClock } from "../support/clock.ts";
import { storesUnderTest } from "../support/stores.ts";
import { addWorkflow, newAccount, openTestEngine } from "../support/engine.ts";
import { FAILING, LINEAR } from "../support/workflows.ts";

const codeOf = (p: Promise<unknown>) => p.then(() => "resolved", (e: unknown) => (e instanceof DomainError ? e.code : `not a DomainError: ${String(e)}`));

// start → a → b → c, and start → side (a sibling branch that resume-from-b must not run)
const CHAIN: WorkflowDefinition = {
  nodes: [
    { id: "start", type: "trigger" },
    { id: "a", type: "transform", config: { expression: "trigger.n + 1" } },
    { id: "b", type: "transform", config: { expression: "nodes.a * 10" } },
    { id: "c", type: "condition", config: { expression: "nodes.b > trigger.limit" } },
    { id: "over", type: "fail", config: { message: "{{ nodes.b }} is over {{ trigger.limit }}" } },
    { id: "side", type: "transform", config: { expression: "'side effect'" } },
  ],
  edges: [
    { source: "start", target: "a" },
    { source: "a", target: "b" },
    { source: "b", target: "c" },
    { source: "c", target: "over", branch: "true" },
    { source: "start", target: "side" },
  ],
};

describe.each(storesUnderTest())("rerun and resume on $name", (store) => {
  let db: Db;
  let engine: Engine;
  let clock: ManualClock;
  beforeAll(async () => void ({ db, engine, clock } = await openTestEngine(store)));
  afterAll(() => db.close());

  const finishedRun = async (definition: WorkflowDefinition, payload: unknown, accountId?: string) => {
    const acct = accountId ?? (await newAccount(engine));
    const wf = await addWorkflow(engine, acct, definition);
    const { run } = await engine.executeWorkflow({ accountId: acct, workflowId: wf.id, payload });
    await engine.createWorker().drain();
    return { accountId: acct, wf, run: await engine.getRun(acct, run.id) };
  };

  describe("rerunRun", () => {
    it("queues a linked run with a deep copy of the payload and the current version", async () => {
      const { accountId, wf, run } = await finishedRun(FAILING, { value: 1, nested: { list: [1, 2] } });
      expect(run.status).toBe("failed");
      await engine.updateWorkflow({ accountId, workflowId: wf.id, definition: LINEAR });
      clock.advance(5000);
      const { run: rerun, replayed } = await engine.rerunRun({ accountId, runId: run.id });
      expect(replayed).toBe(false);
      expect(rerun).toMatchObject({
        status: "pending",
        triggerType: "rerun",
        triggerPayload: { value: 1, nested: { list: [1, 2] } },
        rerunOf: run.id,
        rootRunId: run.id,
        workflowVersion: 2,
        resumeFromNode: null,
      });
      expect(rerun.id).not.toBe(run.id);
      await engine.createWorker().drain();
      expect((await engine.getRun(accountId, rerun.id)).status).toBe("completed");
      // The source never changes.
      expect(await engine.getRun(accountId, run.id)).toEqual(run);
    });

    it("a rerun of a rerun keeps the original as root", async () => {
      const { accountId, run } = await finishedRun(LINEAR, { value: 1 });
      const second = (await engine.rerunRun({ accountId, runId: run.id })).run;
      await engine.createWorker().drain();
      const third = (await engine.rerunRun({ accountId, runId: second.id })).run;
      expect(third).toMatchObject({ rerunOf: second.id, rootRunId: run.id });
    });

    it("keeps the end user and the id style of the workflow", async () => {
      const accountId = await newAccount(engine);
      const wf = await addWorkflow(engine, accountId, LINEAR, "alloy");
      const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 1 }, endUserId: "u1" });
      await engine.createWorker().drain();
      const rerun = (await engine.rerunRun({ accountId, runId: run.id, workflowId: wf.id })).run;
      expect(rerun.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}$/);
      expect(rerun.endUserId).toBe("u1");
    });

    it("refuses runs that are not finished with run_not_rerunnable", async () => {
      const accountId = await newAccount(engine);
      const wf = await addWorkflow(engine, accountId);
      const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
      const err = (await engine.rerunRun({ accountId, runId: run.id }).catch((e: unknown) => e)) as DomainError;
      expect(err).toMatchObject({ code: "run_not_rerunnable", details: { status: "pending" } });
      expect(err.message).toContain("only completed or failed runs can be rerun");
      await engine.createWorker().drain();
    });

    it.each([
      { name: "unknown run", mutate: (_acct: string, _runId: string, _wf: string) => ({ runId: "fl_run_00000000000000000000000000" }) },
      { name: "another account's run", mutate: (_acct: string, runId: string) => ({ runId, accountId: "acct_other" }) },
      { name: "a run of another workflow (Alloy path)", mutate: (_acct: string, runId: string) => ({ runId, workflowId: "aaaaaaaaaaaaaaaaaaaaaaaa" }) },
    ])("answers run_not_found for $name", async ({ mutate }) => {
      const { accountId, wf, run } = await finishedRun(LINEAR, { value: 1 });
      expect(await codeOf(engine.rerunRun({ accountId, ...mutate(accountId, run.id, wf.id) }))).toBe("run_not_found");
    });
  });

  describe("resumeRunFromNode", () => {
    it("copies the ancestors' outputs and runs from the node on, skipping other branches", async () => {
      const { accountId, run } = await finishedRun(CHAIN, { n: 1, limit: 5 });
      expect(run.status).toBe("failed");
      expect(run.errorMessage).toBe("Node 'over' (fail) failed: 20 is over 5");

      const { run: resumed } = await engine.resumeRunFromNode({ accountId, runId: run.id, nodeId: "b" });
      expect(resumed).toMatchObject({ triggerType: "resume", resumeFromNode: "b", rerunOf: run.id, rootRunId: run.id, triggerPayload: { n: 1, limit: 5 } });
      const copied = (await engine.getRun(accountId, resumed.id)).logs;
      expect(copied.map((l) => [l.nodeId, l.output, l.copiedFrom !== null])).toEqual([
        ["start", { n: 1, limit: 5 }, true],
        ["a", 2, true],
      ]);

      await engine.createWorker().drain();
      const done = await engine.getRun(accountId, resumed.id);
      expect(done.logs.map((l) => [l.nodeId, l.status, l.copiedFrom === null])).toEqual([
        ["start", "success", false],
        ["a", "success", false],
        ["b", "success", true],
        ["c", "success", true],
        ["over", "error", true],
      ]);
      expect(done.logs.some((l) => l.nodeId === "side")).toBe(false);
    });

    it("answers node_not_found for a node the workflow does not have", async () => {
      const { accountId, run } = await finishedRun(CHAIN, { n: 1, limit: 5 });
      const err = (await engine.resumeRunFromNode({ accountId, runId: run.id, nodeId: "ghost" }).catch((e: unknown) => e)) as DomainError;
      expect(err.code).toBe("node_not_found");
      expect(err.message).toContain("'ghost'");
      const { rows } = await db.query<{ c: number }>("SELECT count(*)::int AS c FROM runs WHERE rerun_of = $1", [run.id]);
      expect(rows[0]?.c).toBe(0);
    });

    it("answers run_not_found and run_not_rerunnable like rerun", async () => {
      const { accountId, run } = await finishedRun(CHAIN, { n: 1, limit: 5 });
      expect(await codeOf(engine.resumeRunFromNode({ accountId: "acct_other", runId: run.id, nodeId: "b" }))).toBe("run_not_found");
      const wf = await addWorkflow(engine, accountId, CHAIN);
      const pending = (await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { n: 0, limit: 100 } })).run;
      expect(await codeOf(engine.resumeRunFromNode({ accountId, runId: pending.id, nodeId: "b" }))).toBe("run_not_rerunnable");
      await engine.createWorker().drain();
    });
  });

  describe("idempotency keys", () => {
    it("the same key and request return the first run without creating another", async () => {
      const { accountId, run } = await finishedRun(LINEAR, { value: 1 });
      const first = await engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "k1" });
      const again = await engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "k1" });
      expect(again).toEqual({ run: first.run, replayed: true });
      const { rows } = await db.query<{ c: number }>("SELECT count(*)::int AS c FROM runs WHERE rerun_of = $1", [run.id]);
      expect(rows[0]?.c).toBe(1);
    });

    it("the same key with a different request is idempotency_key_mismatch", async () => {
      const { accountId, wf } = await finishedRun(LINEAR, { value: 1 });
      await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { a: 1, b: 2 }, idempotencyKey: "exec-1" });
      const sameDifferentOrder = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { b: 2, a: 1 }, idempotencyKey: "exec-1" });
      expect(sameDifferentOrder.replayed).toBe(true);
      expect(await codeOf(engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { a: 2 }, idempotencyKey: "exec-1" }))).toBe("idempotency_key_mismatch");
      await engine.createWorker().drain();
    });

    it("a key whose first request is still in flight is idempotency_key_in_use", async () => {
      const { accountId, run } = await finishedRun(LINEAR, { value: 1 });
      const { hashRequest } = await import("../../src/core/index.ts");
      const requestHash = hashRequest({ runId: run.id, workflowId: null });
      await db.query(
        `INSERT INTO idempotency_keys (account_id, operation, key, request_hash, state, created_at, expires_at)
         VALUES ($1, 'rerun', 'busy', $2, 'in_flight', $3, $4)`,
        [accountId, requestHash, clock(), new Date(clock().getTime() + 60_000)],
      );
      expect(await codeOf(engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "busy" }))).toBe("idempotency_key_in_use");
    });

    it("keys are the account's across operations, and expire after 24 hours", async () => {
      const { accountId, run } = await finishedRun(CHAIN, { n: 1, limit: 5 });
      const rerun = await engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "shared" });
      // Another operation with the key is another request with it: refused, nothing queued.
      expect(await codeOf(engine.resumeRunFromNode({ accountId, runId: run.id, nodeId: "b", idempotencyKey: "shared" }))).toBe("idempotency_key_mismatch");
      expect(await codeOf(engine.executeWorkflow({ accountId, workflowId: run.workflowId, payload: {}, idempotencyKey: "shared" }))).toBe("idempotency_key_mismatch");
      clock.advance(24 * 3600 * 1000 + 1);
      const later = await engine.resumeRunFromNode({ accountId, runId: run.id, nodeId: "b", idempotencyKey: "shared" });
      expect(later.replayed).toBe(false);
      expect(later.run.id).not.toBe(rerun.run.id);
      await engine.createWorker().drain();
    });

    it("a failed request does not consume the key", async () => {
      const accountId = await newAccount(engine);
      const wf = await addWorkflow(engine, accountId);
      const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: {} });
      expect(await codeOf(engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "retry-me" }))).toBe("run_not_rerunnable");
      await engine.createWorker().drain();
      expect((await engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "retry-me" })).replayed).toBe(false);
      await engine.createWorker().drain();
    });

    it("50 concurrent reruns with one key create exactly one run", async () => {
      const { accountId, run } = await finishedRun(LINEAR, { value: 1 });
      const results = await Promise.all(Array.from({ length: 50 }, () => engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "storm" })));
      expect(new Set(results.map((r) => r.run.id)).size).toBe(1);
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      const { rows } = await db.query<{ c: number }>("SELECT count(*)::int AS c FROM runs WHERE rerun_of = $1", [run.id]);
      expect(rows[0]?.c).toBe(1);
      await engine.createWorker().drain();
    });
  });
});
