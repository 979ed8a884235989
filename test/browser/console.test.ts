// The run console (/console) in a real Chromium against the server: it lists a workflow's runs, reruns
// and resumes one from the page and follows the new run to its end with its lineage, on both listeners.
// The same page against the Prism mocks: console-mock.test.ts. Screenshots: test/browser/screenshots/console-server-*.png.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Db } from "../../src/store/index.ts";
import { startTestServer, type TestServer, type TestTenant } from "../support/servers.ts";
import { createAlloyWorkflow, createAltostratWorkflow, executeAltostrat, waitForExecution, waitForRun } from "../support/http-runs.ts";
import { ECHO, LINEAR } from "../support/workflows.ts";
import { chromiumMissing, launchChromium, STARTUP_TIMEOUT_MS, TEST_TIMEOUT_MS, type TestBrowser } from "./support/chromium.ts";
import { checkBrowser, closeAll, connect, rerunRow, SEEN_MS } from "./support/console-page.ts";

describe.skipIf(chromiumMissing)("run console in Chromium against the server", () => {
  let db: Db | undefined;
  let server: TestServer | undefined;
  let browser: TestBrowser | undefined;
  let tenant: TestTenant;

  beforeAll(async () => {
    db = await openStore({ memory: true });
    const started = await Promise.allSettled([startTestServer({}, { db }), launchChromium()] as const);
    if (started[0].status === "fulfilled") server = started[0].value;
    if (started[1].status === "fulfilled") browser = started[1].value;
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    tenant = await server!.createTenant();
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await closeAll([browser, server]);
    await db?.close();
  });

  it("reruns an Altostrat run from the page, shows the new run complete with its lineage, and resumes it from a node", async () => {
    const workflow = await createAltostratWorkflow(tenant, LINEAR);
    const run = await waitForRun(tenant, (await executeAltostrat(tenant, workflow.id, { value: 20 })).id);
    const page = await browser!.newPage();
    try {
      await connect(page, `${server!.altostratUrl}/console?workflow=${workflow.id}`, tenant.token);
      await expect.poll(() => page.locator(`#runs tr[data-run-id="${run.id}"]`).getAttribute("data-status")).toBe("completed");

      await page.locator(`#runs tr[data-run-id="${run.id}"] button`, { hasText: "Rerun" }).click();
      const rerun = rerunRow(page, run.id, "completed");
      await rerun.waitFor({ timeout: SEEN_MS });
      const rerunId = await rerun.getAttribute("data-run-id");
      // The server agrees with the page: a new run, linked to its source, finished.
      const { data: stored } = await tenant.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: rerunId! } } });
      expect(stored).toMatchObject({ rerun_of: run.id, trigger_type: "rerun", status: "completed" });
      // The page selected the run it started and shows its node logs.
      await page.locator(`#detail[data-run-id="${rerunId}"][data-status="completed"]`).waitFor({ timeout: SEEN_MS });
      await expect.poll(() => page.locator("#detail tr[data-node-id]").count()).toBe(3);
      expect(await page.locator("#message").textContent()).toBe(`Rerun of ${run.id} started run ${rerunId}.`);
      expect(await rerun.locator("td").nth(2).textContent()).toBe("rerun");
      await browser!.screenshot(page, "console-server-altostrat-rerun", { fullPage: true });

      await page.locator('#detail tr[data-node-id="n1"] button', { hasText: "Resume from here" }).click();
      const resumed = rerunRow(page, rerunId!, "completed");
      await resumed.waitFor({ timeout: SEEN_MS });
      expect(await resumed.locator("td").nth(2).textContent()).toBe("resume");
      await browser!.screenshot(page, "console-server-altostrat-resume", { fullPage: true });
      // The contract cancels one run and reruns a workflow's runs by filter: every run here is
      // finished, so each row's Cancel is shown disabled, and the workflow has one bulk rerun control.
      const cancels = await page.locator("#runs button", { hasText: "Cancel" }).all();
      expect(cancels.length).toBeGreaterThanOrEqual(3);
      for (const cancel of cancels) expect(await cancel.isDisabled()).toBe(true);
      expect(await page.locator("#workflow-controls button", { hasText: /bulk rerun/i }).count()).toBe(1);
    } finally {
      await page.close();
    }
    await checkBrowser(browser!);
  }, TEST_TIMEOUT_MS);

  it("reruns an Alloy execution from the page served by the Alloy listener", async () => {
    const workflow = await createAlloyWorkflow(server!, tenant, ECHO);
    const { data: started } = await tenant.alloy.POST("/run/workflow", { body: { workflowId: workflow.id, userId: "user-1", data: { order: "o-1" } } });
    const execution = await waitForExecution(tenant, started!.executionId);
    const page = await browser!.newPage();
    try {
      await connect(page, `${server!.alloyUrl}/console?workflow=${workflow.id}`, tenant.apiKey);
      expect(await page.locator("#token-label").textContent()).toBe("API key");
      await page.locator(`#runs tr[data-run-id="${execution.executionId}"] button`, { hasText: "Rerun" }).click();
      const rerun = rerunRow(page, execution.executionId, "completed");
      await rerun.waitFor({ timeout: SEEN_MS });
      expect(await rerun.locator("td").nth(2).textContent()).toBe("retry");
      await page.locator('#detail[data-status="completed"]').waitFor({ timeout: SEEN_MS });
      // Alloy has no resume-from operation: the page offers none.
      expect(await page.locator("button", { hasText: "Resume from here" }).count()).toBe(0);
      await browser!.screenshot(page, "console-server-alloy-rerun", { fullPage: true });
    } finally {
      await page.close();
    }
    await checkBrowser(browser!);
  }, TEST_TIMEOUT_MS);
});
