// The run console (/console) in a real Chromium: against the server it lists a workflow's runs, reruns
// and resumes one from the page and follows the new run to its end with its lineage; against the Prism
// mocks the same built page goes through the same flow with the contracts' static examples.
// A console built from a contract that has cancel and bulk-rerun operations shows their buttons and
// calls them. Screenshots: test/browser/screenshots/console-*.png.
import type { ChildProcess } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Db } from "../../src/store/index.ts";
import { REPO_ROOT } from "../pipeline/run-script.ts";
import { findFreePort } from "../support/free-port.ts";
import { startTestServer, type TestServer, type TestTenant } from "../support/servers.ts";
import { createAlloyWorkflow, createAltostratWorkflow, DEFINITIONS, executeAltostrat, waitForExecution, waitForRun } from "../http/helpers/workflows.ts";
import { chromiumMissing, launchChromium, STARTUP_TIMEOUT_MS, TEST_TIMEOUT_MS, type TestBrowser } from "./support/chromium.ts";

/** How long the page may take to show a run's new state (it polls every second). */
const SEEN_MS = 30_000;

type Closable = { close?: () => Promise<void>; stop?: () => Promise<void> };
type Started = { url: string } & Closable;

/** Every Prism these tests spawned, so one that never came up is killed too. */
const prismChildren = new Set<ChildProcess>();

/** Starts Prism on a bundle (a free port); the child is tracked from the moment it is spawned. */
async function startMock(spec: string): Promise<Started> {
  const { startPrism } = (await import(path.join(REPO_ROOT, "scripts/lib/prism.mjs"))) as { startPrism: (o: object) => Promise<Started> };
  return startPrism({ spec, port: await findFreePort(), onSpawn: (child: ChildProcess) => prismChildren.add(child) });
}

afterAll(() => {
  for (const child of prismChildren) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** Fills the credential and loads the runs of the workflow the page opened on. */
async function connect(page: Page, url: string, credential: string): Promise<void> {
  await page.goto(url, { waitUntil: "load" });
  await page.locator("input[name=token]").fill(credential);
  await page.locator("#connect button[type=submit]").click();
  await page.locator("#runs tbody tr[data-run-id]").first().waitFor({ timeout: SEEN_MS });
}

/** The row of the run that reruns `sourceId`, once it has reached `status`. */
function rerunRow(page: Page, sourceId: string, status: string) {
  return page.locator(`#runs tr[data-status="${status}"]:has([data-reruns="${sourceId}"])`);
}

async function checkBrowser(browser: TestBrowser): Promise<void> {
  expect(browser.offMachine, "requests that tried to leave 127.0.0.1").toEqual([]);
  expect(browser.failed, "failed requests").toEqual([]);
  expect(browser.pageErrors, "uncaught page errors").toEqual([]);
}

async function closeAll(things: Array<Closable | undefined>): Promise<void> {
  await Promise.allSettled(things.map((thing) => thing?.close?.() ?? thing?.stop?.()));
}

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
    const workflow = await createAltostratWorkflow(tenant, DEFINITIONS.chain);
    const run = await waitForRun(tenant, (await executeAltostrat(tenant, workflow.id, { x: 20 })).id);
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

      await page.locator('#detail tr[data-node-id="n2"] button', { hasText: "Resume from here" }).click();
      const resumed = rerunRow(page, rerunId!, "completed");
      await resumed.waitFor({ timeout: SEEN_MS });
      expect(await resumed.locator("td").nth(2).textContent()).toBe("resume");
      await browser!.screenshot(page, "console-server-altostrat-resume", { fullPage: true });
      // Cancel and bulk rerun are not in today's contract: no such buttons.
      expect(await page.locator("button", { hasText: /cancel|bulk/i }).count()).toBe(0);
    } finally {
      await page.close();
    }
    await checkBrowser(browser!);
  }, TEST_TIMEOUT_MS);

  it("reruns an Alloy execution from the page served by the Alloy listener", async () => {
    const workflow = await createAlloyWorkflow(server!, tenant, DEFINITIONS.echo);
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
