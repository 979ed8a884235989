// A page served from another local origin calls both APIs with fetch in a real Chromium: the preflight
// passes and the page reads the answer and its x-request-id; a server that does not list the page's
// origin is refused by the browser (TypeError: Failed to fetch).
// Screenshot: test/browser/screenshots/cors-page.png.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Db } from "../../src/store/index.ts";
import { createAlloyWorkflow, createAltostratWorkflow, executeAltostrat, waitForExecution, waitForRun } from "../support/http-runs.ts";
import { ECHO } from "../support/workflows.ts";
import { startTestServer, type TestServer, type TestTenant } from "../support/servers.ts";
import { chromiumMissing, launchChromium, STARTUP_TIMEOUT_MS, TEST_TIMEOUT_MS, type TestBrowser } from "./support/chromium.ts";
import { startPageServer, type PageServer } from "./support/page-server.ts";

/** What the page's `callApi` reports for one fetch. */
type Outcome = { ok: true; status: number; requestId: string | null; body: unknown } | { ok: false; error: string };

// The page: `callApi(label, url, init)` fetches, prints the outcome and returns it.
const PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>CORS check</title><link rel="icon" href="data:,">
<style>body{font:14px/1.4 monospace;margin:16px} h1{font-size:18px} pre{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid #ccc;padding:8px}</style></head>
<body><h1>A page on <span id="origin"></span> calling the Reprise APIs</h1><div id="out"></div>
<script>
document.getElementById("origin").textContent = location.origin;
window.callApi = async (label, url, init) => {
  let outcome;
  try {
    const res = await fetch(url, init);
    outcome = { ok: true, status: res.status, requestId: res.headers.get("x-request-id"), body: await res.json() };
  } catch (error) {
    outcome = { ok: false, error: String(error) };
  }
  const block = document.createElement("pre");
  block.textContent = label + "\\n" + init.method + " " + url + "\\n→ " + JSON.stringify(outcome);
  document.getElementById("out").append(block);
  return outcome;
};
</script></body></html>`;

describe.skipIf(chromiumMissing)("CORS in Chromium: a page on another origin calls the APIs", () => {
  let db: Db | undefined;
  let server: TestServer | undefined; // CORS_ORIGINS unset: any origin (NODE_ENV=test)
  let strict: TestServer | undefined; // CORS_ORIGINS names another origin than the page's
  let pages: PageServer | undefined;
  let browser: TestBrowser | undefined;
  let tenant: TestTenant;

  beforeAll(async () => {
    db = await openStore({ memory: true });
    const started = await Promise.allSettled([
      startTestServer({}, { db }),
      startTestServer({ CORS_ORIGINS: "http://127.0.0.1:1" }, { db, workers: false }),
      startPageServer(PAGE),
      launchChromium(),
    ] as const);
    if (started[0].status === "fulfilled") server = started[0].value;
    if (started[1].status === "fulfilled") strict = started[1].value;
    if (started[2].status === "fulfilled") pages = started[2].value;
    if (started[3].status === "fulfilled") browser = started[3].value;
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    tenant = await server!.createTenant();
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), pages?.close(), server?.stop(), strict?.stop()]);
    await db?.close();
  });

  it("reruns an Altostrat run and an Alloy execution from the page, and is refused by a server that does not list the page's origin", async () => {
    // A finished run of each API to rerun, made outside the browser.
    const altostratWorkflow = await createAltostratWorkflow(tenant, ECHO);
    const run = await waitForRun(tenant, (await executeAltostrat(tenant, altostratWorkflow.id, { order: "o-1" })).id);
    const alloyWorkflow = await createAlloyWorkflow(server!, tenant, ECHO);
    const { data: started } = await tenant.alloy.POST("/run/workflow", { body: { workflowId: alloyWorkflow.id, userId: "user-1", data: { order: "o-2" } } });
    const execution = await waitForExecution(tenant, started!.executionId);

    const page = await browser!.newPage();
    try {
      await page.goto(pages!.url, { waitUntil: "load" });
      expect(new URL(page.url()).origin).not.toBe(new URL(server!.altostratUrl).origin);
      const call = (label: string, url: string, init: { method: string; headers: Record<string, string>; body?: string }) =>
        page.evaluate(
          ([l, u, i]) => (globalThis as unknown as { callApi: (l: string, u: string, i: object) => Promise<Outcome> }).callApi(l, u, i),
          [label, url, init] as const,
        );

      // Authorization and Idempotency-Key are not CORS-safelisted: the browser sends a preflight first.
      const altostratHeaders = { Authorization: `Bearer ${tenant.token}`, "Idempotency-Key": "cors-browser-1" };
      const rerun = await call("Altostrat rerun (any origin allowed)", `${server!.altostratUrl}/workflows/runs/${run.id}/rerun`, { method: "POST", headers: altostratHeaders });
      expect(rerun).toMatchObject({ ok: true, status: 202, body: { original_run_id: run.id, new_run: { rerun_of: run.id } } });
      expect(rerun.ok && rerun.requestId).toMatch(/^req_/);

      const alloyHeaders = { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" };
      // A JSON body (Content-Type: application/json) needs the preflight too.
      const runBody = JSON.stringify({ workflowId: alloyWorkflow.id, userId: "user-2", data: { order: "o-3" } });
      const started2 = await call("Alloy run a workflow (JSON body)", `${server!.alloyUrl}/run/workflow`, { method: "POST", headers: { ...alloyHeaders, "Content-Type": "application/json" }, body: runBody });
      expect(started2).toMatchObject({ ok: true, status: 200, body: { message: "success" } });

      const alloyRerun = await call("Alloy rerun (any origin allowed)", `${server!.alloyUrl}/workflows/${alloyWorkflow.id}/rerun/${execution.executionId}`, { method: "POST", headers: alloyHeaders });
      expect(alloyRerun).toMatchObject({ ok: true, status: 200, body: { message: "success" } });

      // An error is an answer too: the page reads its status and body.
      const missing = await call("Alloy execution that does not exist", `${server!.alloyUrl}/logs/00000000-00000000`, { method: "GET", headers: alloyHeaders });
      expect(missing).toMatchObject({ ok: true, status: 404, body: { code: "run_not_found" } });

      const refused = await call("Altostrat rerun on a server whose CORS_ORIGINS omits this page", `${strict!.altostratUrl}/workflows/runs/${run.id}/rerun`, { method: "POST", headers: altostratHeaders });
      expect(refused).toEqual({ ok: false, error: "TypeError: Failed to fetch" });

      await browser!.screenshot(page, "cors-page", { fullPage: true });
    } finally {
      await page.close();
    }
    expect(browser!.offMachine, "requests that tried to leave 127.0.0.1").toEqual([]);
    expect(browser!.pageErrors, "uncaught page errors").toEqual([]);
    // The refused call is the only failed request.
    expect(browser!.failed.map((line) => line.replace(/:\d+\//, ":<port>/"))).toEqual([`http://127.0.0.1:<port>/workflows/runs/${run.id}/rerun: net::ERR_FAILED`]);
  }, TEST_TIMEOUT_MS);
});
