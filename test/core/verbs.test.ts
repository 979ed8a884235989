import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError, type Engine } from "../../src/core/index.ts";
import type { Db } from "../../src/store/index.ts";
import { displayPrefixOf, isApiKey } from "../../src/shared/api-key.ts";
import { storesUnderTest } from "../support/stores.ts";
import type { ManualClock } from "../support/clock.ts";
import { addWorkflow, newAccount, openTestEngine } from "../support/engine.ts";
import { FAILING, LINEAR } from "../support/workflows.ts";

const codeOf = (p: Promise<unknown>) => p.then(() => "resolved", (e: unknown) => (e instanceof DomainError ? e.code : `not a DomainError: ${String(e)}`));

describe.each(storesUnderTest())("core verbs on $name", (store) => {
  let db: Db;
  let engine: Engine;
  let clock: ManualClock;
  beforeAll(async () => void ({ db, engine, clock } = await openTestEngine(store)));
  afterAll(() => db.close());

  describe("accounts and API keys", () => {
    it("creates a key whose plaintext resolves to the account, and stores only its hash", async () => {
      const accountId = await newAccount(engine);
      const created = await engine.createApiKey(accountId, { name: "ci" });
      expect(isApiKey(created.key)).toBe(true);
      expect(created.keyPrefix).toBe(displayPrefixOf(created.key));
      expect(await engine.resolveApiKey(created.key)).toBe(accountId);
      const { rows } = await db.query<{ key_hash: string }>("SELECT key_hash FROM api_keys WHERE id = $1", [created.id]);
      expect(rows[0]?.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(rows)).not.toContain(created.key);
    });

    it.each([
      { given: "alloy_" + "x".repeat(40), why: "unknown key" },
      { given: "not-a-key", why: "malformed" },
      { given: "", why: "empty" },
    ])("resolves $why to null", async ({ given }) => {
      expect(await engine.resolveApiKey(given)).toBeNull();
    });

    it("a revoked key no longer resolves and is listed as revoked", async () => {
      const accountId = await newAccount(engine);
      const created = await engine.createApiKey(accountId);
      expect(await engine.revokeApiKey(accountId, created.id)).toBe(true);
      expect(await engine.resolveApiKey(created.key)).toBeNull();
      expect(await engine.revokeApiKey(accountId, created.id)).toBe(false);
      const listed = await engine.listApiKeys(accountId);
      expect(listed).toEqual([{ id: created.id, accountId, name: null, keyPrefix: created.keyPrefix, createdAt: created.createdAt, revokedAt: clock() }]);
    });

    it("getAccount finds an account by id, or null", async () => {
      const account = await engine.createAccount({ id: "acct_fixed_for_test", name: "Fixed" });
      expect(await engine.getAccount(account.id)).toEqual(account);
      expect(await engine.getAccount("acct_missing")).toBeNull();
    });
  });

  describe("workflows", () => {
    it("creates version 1 with the id style's format and an optional webhook token", async () => {
      const accountId = await newAccount(engine);
      const alto = await engine.createWorkflow({ accountId, idStyle: "altostrat", name: "a", definition: LINEAR, withWebhook: true });
      const alloy = await engine.createWorkflow({ accountId, idStyle: "alloy", name: "b", description: "d", definition: LINEAR });
      expect(alto).toMatchObject({ version: 1, idStyle: "altostrat", definition: LINEAR, description: null });
      expect(alto.id).toMatch(/^fl_wf_[0-9a-z]{26}$/);
      expect(alto.webhookToken).toMatch(/^whk_[0-9a-z]{32}$/);
      expect(alloy.id).toMatch(/^[0-9a-f]{24}$/);
      expect(alloy.webhookToken).toBeNull();
      expect((await engine.getWorkflowByWebhookToken(alto.webhookToken!)).id).toBe(alto.id);
      expect((await engine.getWorkflowByName(accountId, "b")).id).toBe(alloy.id);
      expect((await engine.listWorkflows({ accountId })).map((w) => w.id).sort()).toEqual([alto.id, alloy.id].sort());
    });

    it("refuses an invalid definition with every problem listed", async () => {
      const accountId = await newAccount(engine);
      const err = await engine
        .createWorkflow({ accountId, idStyle: "altostrat", name: "bad", definition: { nodes: [{ id: "x", type: "nope" }], edges: [] } })
        .catch((e: unknown) => e as DomainError);
      expect(err).toMatchObject({ code: "invalid_workflow_definition" });
      expect((err as DomainError).details?.problems?.length).toBeGreaterThanOrEqual(2);
    });

    it("updateWorkflow bumps the version and keeps every version's definition", async () => {
      const accountId = await newAccount(engine);
      const wf = await addWorkflow(engine, accountId);
      clock.advance(1000);
      const updated = await engine.updateWorkflow({ accountId, workflowId: wf.id, definition: FAILING, name: "renamed" });
      expect(updated).toMatchObject({ version: 2, name: "renamed", definition: FAILING });
      expect(updated.updatedAt.getTime()).toBe(wf.updatedAt.getTime() + 1000);
      const { rows } = await db.query<{ version: number }>("SELECT version FROM workflow_versions WHERE workflow_id = $1 ORDER BY version", [wf.id]);
      expect(rows.map((r) => r.version)).toEqual([1, 2]);
      const rotated = await engine.updateWorkflow({ accountId, workflowId: wf.id, webhook: true });
      expect(rotated.webhookToken).toMatch(/^whk_/);
      expect((await engine.updateWorkflow({ accountId, workflowId: wf.id, webhook: false })).webhookToken).toBeNull();
    });

    it("answers workflow_not_found for unknown ids, other accounts and unknown tokens", async () => {
      const accountId = await newAccount(engine);
      const other = await newAccount(engine);
      const wf = await addWorkflow(engine, accountId);
      expect(await codeOf(engine.getWorkflow(other, wf.id))).toBe("workflow_not_found");
      expect(await codeOf(engine.getWorkflow(accountId, "fl_wf_00000000000000000000000000"))).toBe("workflow_not_found");
      expect(await codeOf(engine.getWorkflowByWebhookToken("whk_nope"))).toBe("workflow_not_found");
      expect(await codeOf(engine.updateWorkflow({ accountId: other, workflowId: wf.id, name: "x" }))).toBe("workflow_not_found");
    });
  });

  describe("executeWorkflow", () => {
    it("queues a pending run of the current version with the payload, trigger type and end user", async () => {
      const accountId = await newAccount(engine);
      const wf = await addWorkflow(engine, accountId, LINEAR, "alloy");
      const { run, replayed } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 1 }, triggerType: "event", endUserId: "user-9" });
      expect(replayed).toBe(false);
      expect(run).toMatchObject({
        status: "pending",
        workflowVersion: 1,
        triggerType: "event",
        triggerPayload: { value: 1 },
        endUserId: "user-9",
        rerunOf: null,
        rootRunId: run.id,
        attempts: 0,
        startedAt: null,
      });
      expect(run.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}$/);
      expect(run.availableAt).toEqual(clock());
    });

    it("answers workflow_not_found for another account's workflow", async () => {
      const accountId = await newAccount(engine);
      const wf = await addWorkflow(engine, accountId);
      expect(await codeOf(engine.executeWorkflow({ accountId: await newAccount(engine), workflowId: wf.id, payload: {} }))).toBe("workflow_not_found");
    });
  });

  describe("getRun, listRuns, listLogs, getLogStats", () => {
    it("getRun returns logs in execution order; other accounts get run_not_found", async () => {
      const accountId = await newAccount(engine);
      const wf = await addWorkflow(engine, accountId);
      const { run } = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 5 } });
      await engine.createWorker().drain();
      const got = await engine.getRun(accountId, run.id);
      expect(got.status).toBe("completed");
      expect(got.logs.map((l) => [l.nodeId, l.componentId, l.status, l.output])).toEqual([
        ["start", "trigger", "success", { value: 5 }],
        ["n1", "transform", "success", { doubled: 10 }],
        ["n2", "transform", "success", 11],
      ]);
      expect(got.logs[0]?.id).toMatch(/^fl_log_[0-9a-z]{26}$/);
      expect(await codeOf(engine.getRun(await newAccount(engine), run.id))).toBe("run_not_found");
      expect(await codeOf(engine.getRun(accountId, "fl_run_nope"))).toBe("run_not_found");
    });

    it("listRuns pages newest first with a total, filters by end user and can order oldest first", async () => {
      const accountId = await newAccount(engine);
      const wf = await addWorkflow(engine, accountId, LINEAR, "alloy");
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { i }, endUserId: i % 2 ? "odd" : "even" })).run.id);
        if (i !== 2) clock.advance(10); // two runs share a timestamp: order must still be stable
      }
      const page1 = await engine.listRuns({ accountId, workflowId: wf.id, page: 1, perPage: 2 });
      expect(page1).toMatchObject({ total: 5, page: 1, perPage: 2, lastPage: 3 });
      expect(page1.runs.map((r) => r.id)).toEqual([ids[4], ids[3]]);
      const page3 = await engine.listRuns({ accountId, workflowId: wf.id, page: 3, perPage: 2 });
      expect(page3.runs.map((r) => r.id)).toEqual([ids[0]]);
      const odd = await engine.listRuns({ accountId, workflowId: wf.id, endUserId: "odd", order: "asc" });
      expect(odd.runs.map((r) => r.id)).toEqual([ids[1], ids[3]]);
      expect(odd.total).toBe(2);
      expect(await codeOf(engine.listRuns({ accountId: await newAccount(engine), workflowId: wf.id }))).toBe("workflow_not_found");
    });

    it("listRunsWithLogs returns the same page with each run's logs in execution order", async () => {
      const accountId = await newAccount(engine);
      const wf = await addWorkflow(engine, accountId, LINEAR, "alloy");
      for (let i = 0; i < 3; i++) await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: i } });
      await engine.createWorker().drain();
      const page = await engine.listRunsWithLogs({ accountId, workflowId: wf.id, perPage: 2 });
      expect(page.total).toBe(3);
      expect(page.runs).toHaveLength(2);
      for (const run of page.runs) {
        expect(run.logs.map((l) => l.nodeId)).toEqual(["start", "n1", "n2"]);
        expect(run.logs.every((l) => l.runId === run.id)).toBe(true);
      }
    });

    it("listLogs filters by status, node, run and time range; getLogStats counts them", async () => {
      const accountId = await newAccount(engine);
      const wf = await addWorkflow(engine, accountId, FAILING);
      const first = (await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 1 } })).run;
      await engine.createWorker().drain();
      clock.advance(60_000);
      const from = clock();
      const second = (await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { value: 2 } })).run;
      await engine.createWorker().drain();

      const all = await engine.listLogs({ accountId, workflowId: wf.id });
      expect(all.map((l) => [l.runId, l.nodeId])).toEqual([
        [second.id, "boom"],
        [second.id, "start"],
        [first.id, "boom"],
        [first.id, "start"],
      ]);
      const errors = await engine.listLogs({ accountId, workflowId: wf.id, status: "error" });
      expect(errors.map((l) => l.output)).toEqual([
        { error: "value 2 rejected", code: "node_failed" },
        { error: "value 1 rejected", code: "node_failed" },
      ]);
      expect((await engine.listLogs({ accountId, workflowId: wf.id, nodeId: "start" })).length).toBe(2);
      expect((await engine.listLogs({ accountId, workflowId: wf.id, runId: first.id })).length).toBe(2);
      expect((await engine.listLogs({ accountId, workflowId: wf.id, from })).every((l) => l.runId === second.id)).toBe(true);
      expect((await engine.listLogs({ accountId, workflowId: wf.id, to: new Date(from.getTime() - 1) })).every((l) => l.runId === first.id)).toBe(true);
      expect((await engine.listLogs({ accountId, workflowId: wf.id, limit: 1 })).length).toBe(1);

      expect(await engine.getLogStats({ accountId, workflowId: wf.id })).toEqual({
        logStatuses: { success: 2, error: 2, warning: 0 },
        recentRuns: { completed: 0, failed: 2 },
        totalRuns: 2,
        successRate: 0,
      });
    });
  });
});
