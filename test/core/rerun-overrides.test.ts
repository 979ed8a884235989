import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError, type Engine, type WorkflowDefinition } from "../../src/core/index.ts";
import type { Db } from "../../src/store/index.ts";
import { storesUnderTest } from "../support/stores.ts";
import { addWorkflow, newAccount, openTestEngine } from "../support/engine.ts";
import { ECHO, LINEAR } from "../support/workflows.ts";

const codeOf = (p: Promise<unknown>) => p.then(() => "resolved", (e: unknown) => (e instanceof DomainError ? e.code : `not a DomainError: ${String(e)}`));

// Version 2 of the workflow answers differently, so a test can tell which version a run executed.
const ECHO_V2: WorkflowDefinition = {
  nodes: [
    { id: "n1", type: "trigger" },
    { id: "n2", type: "transform", config: { expression: "{ 'v2': trigger }" } },
  ],
  edges: [{ source: "n1", target: "n2" }],
};

const PAYLOAD_MAX_BYTES = 4096;

describe.each(storesUnderTest())("rerun with overrides on $name", (store) => {
  let db: Db;
  let engine: Engine;
  beforeAll(async () => void ({ db, engine } = await openTestEngine(store, { config: { payloadMaxBytes: PAYLOAD_MAX_BYTES } })));
  afterAll(() => db.close());

  const finishedRun = async (payload: unknown, definition: WorkflowDefinition = ECHO) => {
    const accountId = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId, definition);
    const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload });
    await engine.createWorker().drain();
    return { accountId, wf, run: await engine.getRun(accountId, run.id) };
  };
  const outputOf = async (accountId: string, runId: string) => {
    await engine.createWorker().drain();
    const run = await engine.getRun(accountId, runId);
    return { status: run.status, output: run.logs.find((l) => l.nodeId === "n2")?.output };
  };

  it("without overrides it is today's rerun: the source's payload on the current version", async () => {
    const { accountId, wf, run } = await finishedRun({ a: 1 });
    await engine.updateWorkflow({ accountId, workflowId: wf.id, definition: ECHO_V2 });
    const { run: rerun } = await engine.rerunRun({ accountId, runId: run.id, version: "current" });
    expect(rerun).toMatchObject({ triggerPayload: { a: 1 }, workflowVersion: 2, rerunOf: run.id, rootRunId: run.id });
    expect(await outputOf(accountId, rerun.id)).toEqual({ status: "completed", output: { v2: { a: 1 } } });
  });

  it("version original runs the version the source recorded, after the workflow changed", async () => {
    const { accountId, wf, run } = await finishedRun({ a: 1 });
    await engine.updateWorkflow({ accountId, workflowId: wf.id, definition: ECHO_V2 });
    const { run: rerun } = await engine.rerunRun({ accountId, runId: run.id, version: "original" });
    expect(rerun.workflowVersion).toBe(1);
    expect(await outputOf(accountId, rerun.id)).toEqual({ status: "completed", output: { echo: { a: 1 } } });
    // A rerun of that rerun on its original version stays on version 1 as well.
    const { run: again } = await engine.rerunRun({ accountId, runId: rerun.id, version: "original" });
    expect(again).toMatchObject({ workflowVersion: 1, rootRunId: run.id });
  });

  it("replace runs with the given payload; the source keeps its own", async () => {
    const { accountId, run } = await finishedRun({ a: 1, keep: true });
    const { run: rerun } = await engine.rerunRun({ accountId, runId: run.id, payload: { value: { b: 2 } } });
    expect(rerun.triggerPayload).toEqual({ b: 2 });
    expect((await engine.getRun(accountId, run.id)).triggerPayload).toEqual({ a: 1, keep: true });
    expect(await outputOf(accountId, rerun.id)).toEqual({ status: "completed", output: { echo: { b: 2 } } });
  });

  it("merge sets the override's top-level keys over the source's and keeps the others (shallow)", async () => {
    const { accountId, run } = await finishedRun({ a: 1, nested: { x: 1, y: 2 }, keep: "yes" });
    const value = { a: 9, nested: { x: 5 }, added: [1] };
    const { run: rerun } = await engine.rerunRun({ accountId, runId: run.id, payload: { value, mode: "merge" } });
    expect(rerun.triggerPayload).toEqual({ a: 9, nested: { x: 5 }, keep: "yes", added: [1] });
  });

  it("merge onto a payload that is not an object is payload_not_mergeable, and queues nothing", async () => {
    for (const payload of [[1, 2], "text", 7]) {
      const { accountId, run } = await finishedRun(payload);
      const attempt = engine.rerunRun({ accountId, runId: run.id, payload: { value: { a: 1 }, mode: "merge" } });
      await expect(attempt).rejects.toMatchObject({ code: "payload_not_mergeable", details: { sourcePayloadType: Array.isArray(payload) ? "array" : typeof payload } });
      const { rows } = await db.query<{ c: number }>("SELECT count(*)::int AS c FROM runs WHERE rerun_of = $1", [run.id]);
      expect(rows[0]?.c).toBe(0);
      // Replacing such a payload is fine.
      expect((await engine.rerunRun({ accountId, runId: run.id, payload: { value: { a: 1 } } })).run.triggerPayload).toEqual({ a: 1 });
    }
  });

  it("bounds the payload an override ends up with, so merges cannot grow it rerun after rerun", async () => {
    const { accountId, run } = await finishedRun({ base: "x".repeat(3000) });
    const half = { more: "y".repeat(1500) };
    expect(await codeOf(engine.rerunRun({ accountId, runId: run.id, payload: { value: half, mode: "merge" } }))).toBe("payload_too_large");
    // Within the bound a merge passes; a replacing payload is bounded by its request (as an execution's
    // is), and a plain rerun copies the source whatever its size.
    await expect(engine.rerunRun({ accountId, runId: run.id, payload: { value: { more: "y".repeat(500) }, mode: "merge" } })).resolves.toBeDefined();
    await expect(engine.rerunRun({ accountId, runId: run.id })).resolves.toBeDefined();
    await expect(engine.rerunRun({ accountId, runId: run.id, payload: { value: { big: "z".repeat(PAYLOAD_MAX_BYTES) } } })).resolves.toBeDefined();
  });

  it("the state machine's rule and the lineage checks come first", async () => {
    const accountId = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId, LINEAR);
    const { run: pending } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: [1] });
    const merge = { value: { a: 1 }, mode: "merge" as const };
    expect(await codeOf(engine.rerunRun({ accountId, runId: pending.id, payload: merge }))).toBe("run_not_rerunnable");
    expect(await codeOf(engine.rerunRun({ accountId: await newAccount(engine), runId: pending.id, payload: merge }))).toBe("run_not_found");
    await engine.createWorker().drain();
  });

  describe("idempotency", () => {
    it("the overrides are part of the request: another body with the key is idempotency_key_mismatch", async () => {
      const { accountId, run } = await finishedRun({ a: 1 });
      const first = await engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "ov-1", payload: { value: { a: 2 }, mode: "merge" } });
      const again = await engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "ov-1", payload: { value: { a: 2 }, mode: "merge" } });
      expect(again).toEqual({ run: first.run, replayed: true });
      for (const other of [
        { payload: { value: { a: 3 }, mode: "merge" as const } },
        { payload: { value: { a: 2 } } },
        { payload: { value: { a: 2 }, mode: "merge" as const }, version: "original" as const },
        {},
      ]) {
        expect(await codeOf(engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "ov-1", ...other }))).toBe("idempotency_key_mismatch");
      }
    });

    it("a body that asks for the defaults is the same request as no body", async () => {
      const { accountId, run } = await finishedRun({ a: 1 });
      const first = await engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "ov-2" });
      const same = await engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "ov-2", version: "current" });
      expect(same).toEqual({ run: first.run, replayed: true });
      const replace = await engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "ov-3", payload: { value: { b: 1 } } });
      const explicit = await engine.rerunRun({ accountId, runId: run.id, idempotencyKey: "ov-3", payload: { value: { b: 1 }, mode: "replace" } });
      expect(explicit).toEqual({ run: replace.run, replayed: true });
    });

    it("keys whose request had no body still match a plain rerun (the fingerprint of a plain rerun did not change)", async () => {
      const { hashRequest } = await import("../../src/core/index.ts");
      expect(hashRequest({ runId: "r", workflowId: null, payload: undefined, payloadMode: undefined, version: undefined })).toBe(
        hashRequest({ runId: "r", workflowId: null }),
      );
    });
  });
});
