// The run console (/console) in a real Chromium against the server: a run waiting for a person shows a
// form for the node it waits at; input typed there is delivered and the run completes with it.
// Screenshot: test/browser/screenshots/console-server-altostrat-input.png.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Db } from "../../src/store/index.ts";
import { startTestServer, waitFor, type TestServer, type TestTenant } from "../support/servers.ts";
import { createAltostratWorkflow, executeAltostrat } from "../support/http-runs.ts";
import { APPROVAL } from "../support/workflows.ts";
import { chromiumMissing, launchChromium, STARTUP_TIMEOUT_MS, TEST_TIMEOUT_MS, type TestBrowser } from "./support/chromium.ts";
import { checkBrowser, closeAll, connect, SEEN_MS } from "./support/console-page.ts";

describe.skipIf(chromiumMissing)("run console delivers a person's input", () => {
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

  it("shows a waiting run's node, refuses input its schema refuses, and delivers valid input so the run completes", async () => {
    const workflow = await createAltostratWorkflow(tenant, APPROVAL);
    const queued = await executeAltostrat(tenant, workflow.id, { amount: 7 });
    await waitFor(async () => (await server!.engine.getRun(tenant.accountId, queued.id)).status, (s) => s === "awaiting_ui_interaction");
    const page = await browser!.newPage();
    try {
      await connect(page, `${server!.altostratUrl}/console?workflow=${workflow.id}`, tenant.token);
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
      await browser!.screenshot(page, "console-server-altostrat-input", { fullPage: true });
    } finally {
      await page.close();
    }
    const { data: stored } = await tenant.altostrat.GET("/workflows/runs/{runId}", { params: { path: { runId: queued.id } } });
    expect(stored?.logs?.at(-1)?.output).toEqual({ approved: true, amount: 7 });
    await checkBrowser(browser!);
  }, TEST_TIMEOUT_MS);
});
