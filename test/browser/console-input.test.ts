// The run console (/console) in a real Chromium against the server: a run waiting for a person shows a
// form for the node it waits at; input typed there is delivered and the run completes with it.
// Screenshot: test/browser/screenshots/console-server-altostrat-input.png.
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/servers.ts";
import { createAltostratWorkflow, executeAltostrat } from "../support/http-runs.ts";
import { APPROVAL } from "../support/workflows.ts";
import { chromiumMissing, TEST_TIMEOUT_MS } from "./support/chromium.ts";
import { checkBrowser, connect, SEEN_MS, useServerAndBrowser } from "./support/console-page.ts";

describe.skipIf(chromiumMissing)("run console delivers a person's input", () => {
  const world = useServerAndBrowser();

  it("shows a waiting run's node, refuses input its schema refuses, and delivers valid input so the run completes", async () => {
    const workflow = await createAltostratWorkflow(world.tenant, APPROVAL);
    const queued = await executeAltostrat(world.tenant, workflow.id, { amount: 7 });
    await waitFor(async () => (await world.server.engine.getRun(world.tenant.accountId, queued.id)).status, (s) => s === "awaiting_ui_interaction");
    const page = await world.browser.newPage();
    try {
      await connect(page, `${world.server.altostratUrl}/console?workflow=${workflow.id}`, world.tenant.token);
      await expect.poll(() => page.locator(`#runs tr[data-run-id="${queued.id}"]`).getAttribute("data-status")).toBe("awaiting_ui_interaction");
      await page.locator(`#runs tr[data-run-id="${queued.id}"] button.link`).click();
      const form = page.locator(`#awaiting-input[data-run-id="${queued.id}"][data-node-id="approve"]`);
      await form.waitFor({ timeout: SEEN_MS });

      await form.locator("textarea").fill('{"approved": "yes"}');
      await form.locator("button", { hasText: "Deliver input" }).click();
      await expect.poll(() => page.locator("#message").textContent()).toContain("invalid_node_input");
      expect(await page.locator("#message").getAttribute("class")).toBe("error-text");

      await page.locator("#awaiting-input textarea").fill('{"approved": true, "note": "from the console"}');
      // Typed text survives the page's polling redraws.
      await page.waitForTimeout(1_500);
      expect(await page.locator("#awaiting-input textarea").inputValue()).toBe('{"approved": true, "note": "from the console"}');
      await page.locator("#awaiting-input button", { hasText: "Deliver input" }).click();
      await page.locator(`#detail[data-run-id="${queued.id}"][data-status="completed"]`).waitFor({ timeout: SEEN_MS });
      expect(await page.locator("#awaiting-input").count()).toBe(0);
      await expect.poll(() => page.locator('#detail tr[data-node-id="approve"] pre').textContent()).toContain("from the console");
      await world.browser.screenshot(page, "console-server-altostrat-input", { fullPage: true });
    } finally {
      await page.close();
    }
    const { data: stored } = await world.tenant.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: queued.id } } });
    expect(stored?.logs?.at(-1)?.output).toEqual({ approved: true, amount: 7 });
    await checkBrowser(world.browser);
  }, TEST_TIMEOUT_MS);
});
