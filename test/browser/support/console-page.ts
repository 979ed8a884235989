// Helpers of the run console's browser tests (console.test.ts, console-input.test.ts, console-mock.test.ts).
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { openStore, type Db } from "../../../src/store/index.ts";
import { startTestServer, type TestServer, type TestTenant } from "../../support/servers.ts";
import { REPO_ROOT } from "../../support/run-script.ts";
import { findFreePort } from "../../support/free-port.ts";
import { launchChromium, STARTUP_TIMEOUT_MS, type TestBrowser } from "./chromium.ts";

/** What a console test against the server works with. */
export interface ConsoleWorld {
  server: TestServer;
  browser: TestBrowser;
  tenant: TestTenant;
}

/**
 * Registers the hooks of a console test file against the server: a server on an in-memory store and
 * Chromium, started together before the file's tests (one tenant created), both closed after them.
 * The returned object is filled in by the time the tests run.
 */
export function useServerAndBrowser(): ConsoleWorld {
  const world = {} as ConsoleWorld;
  let db: Db | undefined;
  beforeAll(async () => {
    db = await openStore({ memory: true });
    const started = await Promise.allSettled([startTestServer({}, { db }), launchChromium()] as const);
    if (started[0].status === "fulfilled") world.server = started[0].value;
    if (started[1].status === "fulfilled") world.browser = started[1].value;
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    world.tenant = await world.server.createTenant();
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await closeAll([world.browser, world.server]);
    await db?.close();
  });
  return world;
}

/** How long the page may take to show a run's new state (it polls every second). */
export const SEEN_MS = 30_000;

export type Closable = { close?: () => Promise<void>; stop?: () => Promise<void> };
export type Started = { url: string } & Closable;

/** Every Prism these tests spawned, so one that never came up is killed too. */
const prismChildren = new Set<ChildProcess>();

/** Starts Prism on a bundle (a free port); the child is tracked from the moment it is spawned. */
export async function startMock(spec: string): Promise<Started> {
  const { startPrism } = (await import(path.join(REPO_ROOT, "scripts/lib/prism.mjs"))) as { startPrism: (o: object) => Promise<Started> };
  return startPrism({ spec, port: await findFreePort(), onSpawn: (child: ChildProcess) => prismChildren.add(child) });
}

/** Registers, in the calling test file, the kill of every Prism it spawned that is still running. */
export function killMocksAfterAll(): void {
  afterAll(() => {
    for (const child of prismChildren) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
}

/** Fills the credential and loads the runs of the workflow the page opened on. */
export async function connect(page: Page, url: string, credential: string): Promise<void> {
  await page.goto(url, { waitUntil: "load" });
  await page.locator("input[name=token]").fill(credential);
  await page.locator("#connect button[type=submit]").click();
  await page.locator("#runs tbody tr[data-run-id]").first().waitFor({ timeout: SEEN_MS });
}

/** The row of the run that reruns `sourceId`, once it has reached `status`. */
export function rerunRow(page: Page, sourceId: string, status: string) {
  return page.locator(`#runs tr[data-status="${status}"]:has([data-reruns="${sourceId}"])`);
}

/** Fails on any request that left 127.0.0.1 or failed, and on any uncaught page error. */
export async function checkBrowser(browser: TestBrowser): Promise<void> {
  expect(browser.offMachine, "requests that tried to leave 127.0.0.1").toEqual([]);
  expect(browser.failed, "failed requests").toEqual([]);
  expect(browser.pageErrors, "uncaught page errors").toEqual([]);
}

/** Closes or stops everything that started, whatever failed. */
export async function closeAll(things: Array<Closable | undefined>): Promise<void> {
  await Promise.allSettled(things.map((thing) => thing?.close?.() ?? thing?.stop?.()));
}
