// The run console in a real Chromium against the Prism mocks: the same built page as on the server,
// through the same flow, with the contracts' static examples. A console built from a contract that has
// cancel and bulk-rerun operations shows their buttons and calls them.
// Screenshots: test/browser/screenshots/console-mock-*.png.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/run-script.ts";
import { chromiumMissing, launchChromium, STARTUP_TIMEOUT_MS, TEST_TIMEOUT_MS, type TestBrowser } from "./support/chromium.ts";
import { checkBrowser, closeAll, connect, killMocksAfterAll, SEEN_MS, startMock, type Started } from "./support/console-page.ts";

killMocksAfterAll();

describe.skipIf(chromiumMissing)("run console in Chromium against the Prism mocks", () => {
  let altostrat: Started | undefined;
  let alloy: Started | undefined;
  let consoleServer: Started | undefined;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    const bundle = (api: string) => path.join(REPO_ROOT, "generated", api, "openapi.yaml");
    const started = await Promise.allSettled([startMock(bundle("altostrat")), startMock(bundle("alloy")), launchChromium()] as const);
    if (started[0].status === "fulfilled") altostrat = started[0].value;
    if (started[1].status === "fulfilled") alloy = started[1].value;
    if (started[2].status === "fulfilled") browser = started[2].value;
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    // The static server `npm run mock` starts, with the configuration it gives the page.
    const { startConsoleServer, readExampleWorkflowId } = (await import(path.join(REPO_ROOT, "scripts/lib/console-server.mjs"))) as {
      startConsoleServer: (o: object) => Promise<Started>;
      readExampleWorkflowId: (file: string) => Promise<string>;
    };
    const example = (api: string) => readExampleWorkflowId(path.join(REPO_ROOT, "generated", api, "openapi.yaml"));
    const config = { api: "altostrat", baseUrls: { altostrat: altostrat!.url, alloy: alloy!.url }, workflowIds: { altostrat: await example("altostrat"), alloy: await example("alloy") } };
    consoleServer = await startConsoleServer({ root: REPO_ROOT, host: "127.0.0.1", port: 0, config });
  }, STARTUP_TIMEOUT_MS);
  afterAll(() => closeAll([browser, consoleServer, altostrat, alloy]));

  it("lists the example runs, reruns the failed one and follows the answered run to its (static) end", async () => {
    const failedRun = "fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4";
    const page = await browser!.newPage();
    try {
      await connect(page, consoleServer!.url, "any-token");
      expect(await page.locator("#runs tbody tr").count()).toBe(4);
      // The example page holds a rerun: its lineage is shown.
      expect(await page.locator(`#runs [data-reruns="${failedRun}"]`).count()).toBeGreaterThan(0);
      await page.locator(`#runs tr[data-run-id="${failedRun}"] button`, { hasText: "Rerun" }).click();
      await expect.poll(() => page.locator("#message").textContent(), { timeout: SEEN_MS }).toMatch(new RegExp(`^Rerun of ${failedRun} started run fl_run_\\w+\\.$`));
      const started = page.locator("#runs tr:has(.note)");
      await expect.poll(() => started.getAttribute("data-status"), { timeout: SEEN_MS }).toMatch(/^(completed|failed)$/);
      expect(await started.locator("[data-reruns]").getAttribute("data-reruns")).toBe(failedRun);
      // Prism answers every run id with the same example: the page says so instead of hiding it.
      await page.locator("#detail .warning").waitFor({ timeout: SEEN_MS });
      await browser!.screenshot(page, "console-mock-altostrat-rerun", { fullPage: true });

      await page.locator("select[name=api]").selectOption("alloy");
      expect(await page.locator("input[name=baseUrl]").inputValue()).toBe(alloy!.url);
      await page.locator("input[name=token]").fill("any-key");
      await page.locator("#connect button[type=submit]").click();
      // Not one Altostrat run stays listed once the Alloy list is asked for.
      expect(await page.locator('#runs tr[data-run-id^="fl_run_"]').count()).toBe(0);
      const finished = page.locator('#runs tbody tr[data-status="completed"]').first();
      await finished.waitFor({ timeout: SEEN_MS });
      await finished.locator("button", { hasText: "Rerun" }).click();
      await expect.poll(() => page.locator("#message").textContent(), { timeout: SEEN_MS }).toMatch(/^Rerun of [0-9a-f-]+ started run [0-9a-f-]+\.$/);
      await page.locator("#detail tr[data-node-id]").first().waitFor({ timeout: SEEN_MS });
      // Three distinct example executions: a read that answers another ID lends the list nothing.
      expect(new Set(await page.locator("#runs tbody tr").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-run-id")))).size).toBe(3);
      await browser!.screenshot(page, "console-mock-alloy-rerun", { fullPage: true });
    } finally {
      await page.close();
    }
    await checkBrowser(browser!);
  }, TEST_TIMEOUT_MS);
});

/** Operations a later contract may add; the console was written before any of them existed. */
const FUTURE_PATHS = {
  "/workflows/runs/{runId}/cancel": {
    post: {
      operationId: "cancelWorkflowRun",
      parameters: [{ $ref: "#/components/parameters/RunId" }],
      responses: { "202": { description: "Cancelled.", content: { "application/json": { schema: { type: "object" }, example: { message: "Run cancelled." } } } } },
      security: [{ BearerAuth: [] }],
    },
  },
  "/workflows/{workflowId}/bulk-reruns": {
    post: {
      operationId: "createBulkRerun",
      parameters: [{ $ref: "#/components/parameters/WorkflowId" }],
      requestBody: {
        required: true,
        content: { "application/json": { schema: { type: "object", required: ["filter"], properties: { filter: { type: "object" } } }, example: { filter: { status: ["failed"] } } } },
      },
      responses: { "202": { description: "Accepted.", content: { "application/json": { schema: { type: "object" }, example: { id: "blk_1", status: "queued" } } } } },
      security: [{ BearerAuth: [] }],
    },
  },
};

describe.skipIf(chromiumMissing)("run console built from a contract with cancel and bulk rerun", () => {
  let root: string | undefined;
  let mock: Started | undefined;
  let consoleServer: Started | undefined;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    // A project root whose generated/ holds the extended Altostrat bundle and a console built from it.
    root = await mkdtemp(path.join(os.tmpdir(), "reprise-console-future-"));
    const bundles = path.join(root, "bundles");
    for (const api of ["altostrat", "alloy"]) await mkdir(path.join(bundles, api), { recursive: true });
    const spec = YAML.parse(await readFile(path.join(REPO_ROOT, "generated/altostrat/openapi.yaml"), "utf8"));
    // The contract's own bulk rerun gives way to the later one, so the control shown is the one the
    // console can only have recognised by its shape.
    delete spec.paths["/workflows/{workflowId}/runs/rerun"];
    spec.paths = { ...spec.paths, ...FUTURE_PATHS };
    const specFile = path.join(bundles, "altostrat", "openapi.yaml");
    await writeFile(specFile, YAML.stringify(spec));
    await copyFile(path.join(REPO_ROOT, "generated/alloy/openapi.yaml"), path.join(bundles, "alloy", "openapi.yaml"));
    const { buildConsole } = (await import(path.join(REPO_ROOT, "scripts/lib/console.mjs"))) as { buildConsole: (root: string, out: string, bundles: string) => Promise<string[]> };
    await buildConsole(REPO_ROOT, path.join(root, "generated"), bundles);

    const started = await Promise.allSettled([startMock(specFile), launchChromium()] as const);
    if (started[0].status === "fulfilled") mock = started[0].value;
    if (started[1].status === "fulfilled") browser = started[1].value;
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    const { startConsoleServer } = (await import(path.join(REPO_ROOT, "scripts/lib/console-server.mjs"))) as { startConsoleServer: (o: object) => Promise<Started> };
    const config = { api: "altostrat", baseUrls: { altostrat: mock!.url }, workflowIds: { altostrat: "fl_wf_01jbwxwcbyb6wk952swa0432cf" } };
    consoleServer = await startConsoleServer({ root, host: "127.0.0.1", port: 0, config });
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await closeAll([browser, consoleServer, mock]);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("shows Cancel on unfinished runs and a Bulk rerun form with the contract's example, and calls both", async () => {
    const page = await browser!.newPage();
    try {
      await connect(page, consoleServer!.url, "any-token");
      // The example list has one running run: its Cancel is the one enabled.
      const running = page.locator('#runs tr[data-status="running"]');
      await running.locator("button", { hasText: "Cancel" }).click();
      const runningId = await running.getAttribute("data-run-id");
      await expect.poll(() => page.locator("#message").textContent(), { timeout: SEEN_MS }).toBe(`Cancel of ${runningId}: accepted {"message":"Run cancelled."}`);
      expect(await page.locator('#runs tr[data-status="completed"] button:text-is("Cancel")').first().isDisabled()).toBe(true);

      await page.locator("#workflow-controls summary").click();
      expect(JSON.parse(await page.locator("#bulk-body").inputValue())).toEqual({ filter: { status: ["failed"] } });
      await page.locator("#workflow-controls button", { hasText: "Bulk rerun" }).click();
      await expect.poll(() => page.locator("#message").textContent(), { timeout: SEEN_MS }).toBe('Bulk rerun: accepted {"id":"blk_1","status":"queued"}');
      await browser!.screenshot(page, "console-mock-cancel-and-bulk-rerun", { fullPage: true });
    } finally {
      await page.close();
    }
    await checkBrowser(browser!);
  }, TEST_TIMEOUT_MS);
});
