// The run console (/console) in a real Chromium against the server: it lists a workflow's runs, reruns
// and resumes one from the page and follows the new run to its end with its lineage, on both listeners.
// The same page against the Prism mocks: console-mock.test.ts. Screenshots: test/browser/screenshots/console-server-*.png.
import { describe, expect, it } from "vitest";
import { createAlloyWorkflow, createAltostratWorkflow, executeAltostrat, waitForExecution, waitForRun } from "../support/http-runs.ts";
import { ECHO, LINEAR } from "../support/workflows.ts";
import { chromiumMissing, TEST_TIMEOUT_MS } from "./support/chromium.ts";
import { checkBrowser, connect, rerunRow, SEEN_MS, useServerAndBrowser } from "./support/console-page.ts";

describe.skipIf(chromiumMissing)("run console in Chromium against the server", () => {
  const world = useServerAndBrowser();

  it("reruns an Altostrat run from the page, shows the new run complete with its lineage, and resumes it from a node", async () => {
    const workflow = await createAltostratWorkflow(world.tenant, LINEAR);
    const run = await waitForRun(world.tenant, (await executeAltostrat(world.tenant, workflow.id, { value: 20 })).id);
    const page = await world.browser.newPage();
    try {
      await connect(page, `${world.server.altostratUrl}/console?workflow=${workflow.id}`, world.tenant.token);
      await expect.poll(() => page.locator(`#runs tr[data-run-id="${run.id}"]`).getAttribute("data-status")).toBe("completed");

      await page.locator(`#runs tr[data-run-id="${run.id}"] button`, { hasText: "Rerun" }).click();
      const rerun = rerunRow(page, run.id, "completed");
      await rerun.waitFor({ timeout: SEEN_MS });
      const rerunId = await rerun.getAttribute("data-run-id");
      // The server agrees with the page: a new run, linked to its source, finished.
      const { data: stored } = await world.tenant.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: rerunId! } } });
      expect(stored).toMatchObject({ rerun_of: run.id, trigger_type: "rerun", status: "completed" });
      // The page selected the run it started and shows its node logs.
      await page.locator(`#detail[data-run-id="${rerunId}"][data-status="completed"]`).waitFor({ timeout: SEEN_MS });
      await expect.poll(() => page.locator("#detail tr[data-node-id]").count()).toBe(3);
      expect(await page.locator("#message").textContent()).toBe(`Rerun of ${run.id} started run ${rerunId}.`);
      expect(await rerun.locator("td").nth(2).textContent()).toBe("rerun");
      await world.browser.screenshot(page, "console-server-altostrat-rerun", { fullPage: true });

      await page.locator('#detail tr[data-node-id="n1"] button', { hasText: "Resume from here" }).click();
      const resumed = rerunRow(page, rerunId!, "completed");
      await resumed.waitFor({ timeout: SEEN_MS });
      expect(await resumed.locator("td").nth(2).textContent()).toBe("resume");
      await world.browser.screenshot(page, "console-server-altostrat-resume", { fullPage: true });
      // The contract cancels one run and reruns a workflow's runs by filter: every run here is
      // finished, so each row's Cancel is shown disabled, and the workflow has one bulk rerun control.
      const cancels = await page.locator("#runs button", { hasText: "Cancel" }).all();
      expect(cancels.length).toBeGreaterThanOrEqual(3);
      for (const cancel of cancels) expect(await cancel.isDisabled()).toBe(true);
      expect(await page.locator("#workflow-controls button", { hasText: /bulk rerun/i }).count()).toBe(1);
    } finally {
      await page.close();
    }
    await checkBrowser(world.browser);
  }, TEST_TIMEOUT_MS);

  it("reruns an Alloy execution from the page served by the Alloy listener", async () => {
    const workflow = await createAlloyWorkflow(world.server, world.tenant, ECHO);
    const { data: started } = await world.tenant.alloy.POST("/run/workflow", { body: { workflowId: workflow.id, userId: "user-1", data: { order: "o-1" } } });
    const execution = await waitForExecution(world.tenant, started!.executionId);
    const page = await world.browser.newPage();
    try {
      await connect(page, `${world.server.alloyUrl}/console?workflow=${workflow.id}`, world.tenant.apiKey);
      expect(await page.locator("#token-label").textContent()).toBe("API key");
      await page.locator(`#runs tr[data-run-id="${execution.executionId}"] button`, { hasText: "Rerun" }).click();
      const rerun = rerunRow(page, execution.executionId, "completed");
      await rerun.waitFor({ timeout: SEEN_MS });
      expect(await rerun.locator("td").nth(2).textContent()).toBe("retry");
      await page.locator('#detail[data-status="completed"]').waitFor({ timeout: SEEN_MS });
      // Alloy has no resume-from operation: the page offers none.
      expect(await page.locator("button", { hasText: "Resume from here" }).count()).toBe(0);
      await world.browser.screenshot(page, "console-server-alloy-rerun", { fullPage: true });
    } finally {
      await page.close();
    }
    await checkBrowser(world.browser);
  }, TEST_TIMEOUT_MS);
});
