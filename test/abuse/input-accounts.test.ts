// Altostrat tokens name their account in a claim: a verified token whose account the store has never
// seen, and claims the store cannot hold, against a real server (port 0).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_ACCOUNT_ID_LENGTH, mintDevToken } from "../../src/auth/index.ts";
import { createAltostratClient } from "../../src/client/index.ts";
import { expectError } from "../support/error-body.ts";
import { waitForRun } from "../support/http-runs.ts";
import { ECHO } from "../support/workflows.ts";
import { startServerWithTenant, TEST_JWT_SECRET, type TestServer, type TestTenant } from "../support/servers.ts";

const tokenFor = (accountId: string) => mintDevToken({ secret: TEST_JWT_SECRET, accountId, expiresInSeconds: 600 });
const createOp = { path: "/workflows", method: "post" };
const getOp = { path: "/workflows/{workflowId}", method: "get" };

describe("accounts named by a verified token", () => {
  let server: TestServer;
  let tenant: TestTenant;
  let workflowId: string;
  beforeAll(async () => {
    ({ server, tenant } = await startServerWithTenant());
    const created = await tenant.altostrat.POST("/workflows", { body: { name: "owned", definition: ECHO } });
    workflowId = created.data!.id;
  });
  afterAll(async () => server?.stop());

  const create = (token: string, name = "first") =>
    fetch(`${server.altostratUrl}/workflows`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name, definition: ECHO }),
    });

  describe("an account the store has never seen", () => {
    it("is created on its first workflow, which then runs like any other", async () => {
      const accountId = "acct_never_provisioned";
      expect(await server.engine.getAccount(accountId)).toBeNull();
      const token = await tokenFor(accountId);
      const response = await create(token);
      expect(response.status, await response.clone().text()).toBe(201);
      const workflow = (await response.json()) as { id: string };

      expect(await server.engine.getAccount(accountId)).toMatchObject({ id: accountId, name: accountId });
      const client = createAltostratClient({ baseUrl: server.altostratUrl, token });
      const started = await client.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId: workflow.id } }, body: { context: { a: 1 } } });
      expect(started.response.status).toBe(202);
      const run = await waitForRun({ ...tenant, accountId, token, altostrat: client }, started.data!.id);
      expect(run.status).toBe("completed");
      // Created once: a second workflow reuses the account.
      expect((await create(token, "second")).status).toBe(201);
    });

    it("is created once when its first requests arrive together", async () => {
      const accountId = "acct_concurrent_first_use";
      const token = await tokenFor(accountId);
      const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => create(token, `wf-${i}`).then((r) => r.status)));
      expect(statuses).toEqual(Array(8).fill(201));
      expect((await server.engine.listWorkflows({ accountId })).length).toBe(8);
    });

    it("is answered like any other account by a read, which creates nothing", async () => {
      const token = await tokenFor("acct_only_reads");
      const response = await fetch(`${server.altostratUrl}/workflows/${workflowId}`, { headers: { Authorization: `Bearer ${token}` } });
      // Another account's workflow: 404, as for any account.
      await expectError("altostrat", response, { status: 404, code: "workflow_not_found", op: getOp });
      expect(await server.engine.getAccount("acct_only_reads")).toBeNull();
    });
  });

  describe("an account claim the store cannot hold", () => {
    const claims: [string, string][] = [
      ["a NUL character", "acct_\u0000x"],
      ["only a NUL character", "\u0000"],
      ["an unpaired high surrogate", "acct_\ud800x"],
      ["an unpaired low surrogate", "acct_\udc00"],
      ["a control character", "acct_\u001bx"],
      ["a newline", "acct\nforged"],
      [`${MAX_ACCOUNT_ID_LENGTH + 1} characters`, "a".repeat(MAX_ACCOUNT_ID_LENGTH + 1)],
      ["1,000 characters", "b".repeat(1000)],
    ];

    it.each(claims)("is refused with 401 when it holds %s, on reads and writes", async (_name, claim) => {
      const token = await tokenFor(claim);
      const auth = { Authorization: `Bearer ${token}` };
      const read = await fetch(`${server.altostratUrl}/workflows/${workflowId}`, { headers: auth });
      const { body } = await expectError("altostrat", read, { status: 401, code: "unauthorized", type: "authentication_error", op: getOp });
      expect(body.message).toMatch(/'account_id' claim/);
      await expectError("altostrat", await create(token), { status: 401, code: "unauthorized", type: "authentication_error", op: createOp });
      const runs = await fetch(`${server.altostratUrl}/workflows/runs/fl_run_${"0".repeat(26)}/rerun`, { method: "POST", headers: auth });
      await expectError("altostrat", runs, { status: 401, code: "unauthorized", op: { path: "/workflows/runs/{runId}/rerun", method: "post" } });
    });

    it(`accepts a claim of exactly ${MAX_ACCOUNT_ID_LENGTH} characters, and paired surrogates`, async () => {
      for (const claim of ["c".repeat(MAX_ACCOUNT_ID_LENGTH), "acct_\ud83d\ude00"]) {
        const response = await create(await tokenFor(claim));
        expect(response.status, await response.clone().text()).toBe(201);
      }
    });
  });
});
