// Both API references in a real Chromium, served by a real server, with no network beyond 127.0.0.1:
// the page renders its operations, its search finds the rerun operation and leads to it, it names the
// listener as its server, and no request leaves the machine or fails.
// Screenshots: test/browser/screenshots/docs-<api>-{overview,search,search-result,rerun}.png.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/servers.ts";
import { chromiumMissing, launchChromium, STARTUP_TIMEOUT_MS, TEST_TIMEOUT_MS, type TestBrowser } from "./support/chromium.ts";
import { createDocsRoot, type DocsRoot } from "./support/docs-root.ts";

const APIS = [
  { api: "altostrat", title: "Altostrat Workflows API", rerunPath: "/workflows/runs/{runId}/rerun", rerunSummary: "Re-run a workflow", anchor: "/workflow-runs/rerunworkflowrun" },
  { api: "alloy", title: "Embedded 2025-09", rerunPath: "/workflows/{workflowId}/rerun/{executionId}", rerunSummary: "Rerun a single workflow execution", anchor: "/workflows/rerunworkflowexecution" },
] as const;

describe.skipIf(chromiumMissing)("API references at /docs in Chromium, offline", () => {
  let docs: DocsRoot | undefined;
  let server: TestServer | undefined;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    docs = await createDocsRoot();
    const started = await Promise.allSettled([startTestServer({}, { root: docs.root }), launchChromium(), docs.render()]);
    if (started[0].status === "fulfilled") server = started[0].value;
    if (started[1].status === "fulfilled") browser = started[1].value;
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), server?.stop()]);
    await docs?.remove();
  });

  describe.each(APIS)("$api", ({ api, title, rerunPath, rerunSummary, anchor }) => {
    it("renders its operations, names this server as '/', and its search leads to the rerun operation", async () => {
      const { offMachine, failed, pageErrors } = browser!;
      const base = api === "altostrat" ? server!.altostratUrl : server!.alloyUrl;
      const page = await browser!.newPage();
      try {
        await page.goto(`${base}/docs`, { waitUntil: "load" });
        await page.getByRole("heading", { name: title }).first().waitFor({ state: "visible", timeout: 30_000 });
        // The overview lists each tag's operations; the rerun operation is among them.
        await page.getByText(rerunPath, { exact: true }).first().waitFor({ state: "visible", timeout: 30_000 });
        // The servers box names the relative '/', not a hard-coded localhost port.
        await page.getByText("This Reprise server (the listener serving this page)").first().waitFor({ state: "visible" });
        expect(await page.getByText(/localhost:808\d/).count()).toBe(0);
        await browser!.screenshot(page, `docs-${api}-overview`);

        await page.getByTestId("search-trigger").first().click();
        const search = page.getByPlaceholder("Search docs...");
        await search.waitFor({ state: "visible", timeout: 5_000 });
        await search.fill("rerun");
        const hit = page.locator('[data-component-name="Search/SearchItem"]').filter({ hasText: rerunSummary }).first();
        await hit.waitFor({ state: "visible", timeout: 20_000 });
        await browser!.screenshot(page, `docs-${api}-search`);

        // The best hit may be a field of the operation (Altostrat's is new_run.rerun_of in the 202 answer):
        // the link opens the rerun operation's route either way.
        await hit.click();
        await expect.poll(() => page.url(), { timeout: 20_000 }).toContain(`${base}/docs#${anchor}`);
        await expect.poll(() => page.getByRole("heading", { name: rerunSummary }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
        await page.waitForTimeout(300);
        await browser!.screenshot(page, `docs-${api}-search-result`);

        // A deep link to the operation, as a reader shares it, opens with its heading at the top.
        await page.goto(`${base}/docs#${anchor}`, { waitUntil: "load" });
        // Its accessible name is "link to <summary> <summary>" (Redoc puts a deep-link anchor in each heading).
        const heading = page.getByRole("heading", { name: rerunSummary }).first();
        await heading.waitFor({ state: "visible", timeout: 30_000 });
        await expect.poll(async () => (await heading.boundingBox())?.y ?? -1, { timeout: 5_000 }).toBeGreaterThanOrEqual(0);
        expect((await heading.boundingBox())!.y).toBeLessThan(400);
        await browser!.screenshot(page, `docs-${api}-rerun`);
      } finally {
        await page.close();
      }
      expect(offMachine, "requests that tried to leave 127.0.0.1").toEqual([]);
      expect(failed, "failed requests").toEqual([]);
      expect(pageErrors, "uncaught page errors").toEqual([]);
    }, TEST_TIMEOUT_MS);
  });
});
