// The packed client in a browser app on another origin: `npm pack` of packages/client, installed in a
// fresh project, bundled for the browser with esbuild, served with a page by a static server on port
// 0; in Chromium the page calls the Prism mock and the real server through the client (retry wrapper,
// request id, a token refreshed after a 401, error narrowing) and the test checks what it got.
// Screenshot: test/browser/screenshots/client-page.png.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_PACKAGE_NAME, installPackedClient, packClient } from "../client/support/packed-client.ts";
import { createAltostratWorkflow, executeAltostrat, waitForRun } from "../support/http-runs.ts";
import { ECHO } from "../support/workflows.ts";
import { startPrismFor } from "../support/prism.ts";
import { startTestServer, type TestServer, type TestTenant } from "../support/servers.ts";
import { chromiumMissing, launchChromium, STARTUP_TIMEOUT_MS, TEST_TIMEOUT_MS, type TestBrowser } from "./support/chromium.ts";
import { startPageServer, type PageServer } from "./support/page-server.ts";

const MOCK_RUN_ID = "fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4";

// The browser app, bundled from the installed package: `runChecks(config)` makes the calls, prints each
// outcome on the page and returns them all.
const APP = `import { authRefreshMiddleware, createAlloyClient, createAltostratClient, isProblem, readProblem, requestIdMiddleware, withRetry } from "${CLIENT_PACKAGE_NAME}";

function show(label, value) {
  const block = document.createElement("pre");
  block.textContent = label + "\\n→ " + JSON.stringify(value);
  document.getElementById("out").append(block);
  return value;
}

window.runChecks = async ({ mockUrl, altostratUrl, alloyUrl, token, apiKey, runId }) => {
  const results = {};
  const mock = createAltostratClient({ baseUrl: mockUrl, token: "any-token", fetch: withRetry() });
  const mockParams = { path: { runId: "${MOCK_RUN_ID}" } };
  const accepted = await mock.POST("/workflows/runs/{runId}/rerun", { params: mockParams, headers: { Prefer: "code=202" } });
  results.mockRerun = show("Mock (" + mockUrl + "): rerun", { status: accepted.response.status, original: accepted.data?.original_run_id, newRunStatus: accepted.data?.new_run?.status });
  const missing = await mock.POST("/workflows/runs/{runId}/rerun", { params: mockParams, headers: { Prefer: "code=404" } });
  results.mockMissing = show("Mock: rerun of a run that does not exist", { is404: isProblem(missing, 404), code: missing.error?.code });

  // The page starts with an expired token; the middleware gets a fresh one after the 401.
  let current = "expired-token";
  let refreshes = 0;
  let requestIds = 0;
  const server = createAltostratClient({ baseUrl: altostratUrl, fetch: withRetry() });
  server.use(
    authRefreshMiddleware({ getToken: ({ refresh }) => (refresh ? (refreshes++, (current = token)) : current) }),
    requestIdMiddleware({ generate: () => "req_browser_" + (++requestIds) }),
  );
  const rerun = await server.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId }, header: { "Idempotency-Key": "browser-client-1" } } });
  results.serverRerun = show("Server (" + altostratUrl + "): rerun after a token refresh", {
    status: rerun.response.status,
    original: rerun.data?.original_run_id,
    newRunId: rerun.data?.new_run?.id,
    rerunOf: rerun.data?.new_run?.rerun_of,
    refreshes,
    requestId: rerun.response.headers.get("x-request-id"),
  });

  const alloy = createAlloyClient({ baseUrl: alloyUrl, apiKey });
  const noLogs = await alloy.GET("/logs/{executionId}", { params: { path: { executionId: "00000000-00000000" } } });
  const problem = readProblem(noLogs);
  results.alloyMissing = show("Server (" + alloyUrl + "): logs of an execution that does not exist", { is404: isProblem(noLogs, 404), status: problem?.status, code: problem?.body.code, requestId: problem?.requestId });
  return results;
};
`;

const PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>@reprise/client in a browser</title><link rel="icon" href="data:,">
<style>body{font:14px/1.4 monospace;margin:16px} h1{font-size:18px} pre{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid #ccc;padding:8px}</style>
<script type="module" src="/client.js"></script></head>
<body><h1>A page on <span id="origin"></span> using the packed ${CLIENT_PACKAGE_NAME}</h1><div id="out"></div>
<script>document.getElementById("origin").textContent = location.origin;</script></body></html>`;

describe.skipIf(chromiumMissing)("the packed client in a browser bundle on another origin", () => {
  let dir: string | undefined;
  let bundle: { size: number; text: string };
  let mock: Awaited<ReturnType<typeof startPrismFor>> | undefined;
  let server: TestServer | undefined;
  let pages: PageServer | undefined;
  let browser: TestBrowser | undefined;
  let tenant: TestTenant;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "reprise-client-browser-"));
    const project = path.join(dir, "app");
    const started = await Promise.allSettled([
      startPrismFor("altostrat"),
      startTestServer(),
      launchChromium(),
      (async () => {
        const packed = await packClient(dir!);
        await mkdir(project);
        await installPackedClient(project, packed.tarball);
        await writeFile(path.join(project, "app.mjs"), APP);
        const result = await build({ absWorkingDir: project, entryPoints: ["app.mjs"], bundle: true, format: "esm", platform: "browser", target: "es2022", minify: true, write: false, logLevel: "silent" });
        const text = result.outputFiles[0]!.text;
        bundle = { size: Buffer.byteLength(text), text };
      })(),
    ] as const);
    if (started[0].status === "fulfilled") mock = started[0].value;
    if (started[1].status === "fulfilled") server = started[1].value;
    if (started[2].status === "fulfilled") browser = started[2].value;
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    pages = await startPageServer(PAGE, { "/client.js": { contentType: "text/javascript; charset=utf-8", body: bundle.text } });
    tenant = await server!.createTenant();
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), pages?.close(), server?.stop(), mock?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("calls the mock and the server through the client from the page", async () => {
    const workflow = await createAltostratWorkflow(tenant, ECHO);
    const run = await waitForRun(tenant, (await executeAltostrat(tenant, workflow.id, { order: "o-1" })).id);
    // The bundle holds the client and openapi-fetch, nothing from Node.
    expect(bundle.text).not.toMatch(/node:|require\(/);

    const page = await browser!.newPage();
    try {
      await page.goto(pages!.url, { waitUntil: "load" });
      await page.waitForFunction(() => typeof (globalThis as { runChecks?: unknown }).runChecks === "function");
      const config = { mockUrl: mock!.url, altostratUrl: server!.altostratUrl, alloyUrl: server!.alloyUrl, token: tenant.token, apiKey: tenant.apiKey, runId: run.id };
      const results = await page.evaluate((c) => (globalThis as unknown as { runChecks: (c: object) => Promise<Record<string, unknown>> }).runChecks(c), config);

      expect(results.mockRerun).toEqual({ status: 202, original: MOCK_RUN_ID, newRunStatus: "pending" });
      expect(results.mockMissing).toEqual({ is404: true, code: "run_not_found" });
      expect(results.serverRerun).toEqual({ status: 202, original: run.id, newRunId: expect.stringMatching(/^fl_run_/), rerunOf: run.id, refreshes: 1, requestId: "req_browser_1" });
      expect(results.alloyMissing).toEqual({ is404: true, status: 404, code: "run_not_found", requestId: expect.stringMatching(/^req_/) });

      // The rerun the page made exists on the server and runs to the end.
      const newRunId = (results.serverRerun as { newRunId: string }).newRunId;
      expect(await waitForRun(tenant, newRunId)).toMatchObject({ status: "completed", rerun_of: run.id });
      await browser!.screenshot(page, "client-page", { fullPage: true });
    } finally {
      await page.close();
    }
    expect(browser!.offMachine, "requests that tried to leave 127.0.0.1").toEqual([]);
    expect(browser!.pageErrors, "uncaught page errors").toEqual([]);
    expect(browser!.failed, "failed requests").toEqual([]);
  }, TEST_TIMEOUT_MS);
});
