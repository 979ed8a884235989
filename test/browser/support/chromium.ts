import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page, type Request } from "playwright-core";

/** Debian's Chromium (installed by .ci/chromium.sh); playwright-core never downloads a browser here. */
export const CHROMIUM = "/usr/bin/chromium";

/** Where the browser tests write their screenshots (gitignored; look at them after a run). */
export const SCREENSHOTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "screenshots");

/**
 * Whether the browser tests can run. In CI a missing Chromium is a failure (.ci/run installs it);
 * elsewhere the suites are skipped with this reason.
 */
export const chromiumMissing: string | false = existsSync(CHROMIUM) || process.env.CI ? false : `${CHROMIUM} is missing: run 'bash .ci/chromium.sh' (as root) to install Debian's chromium`;

/**
 * Time for a browser suite's start (a server, Chromium, the docs build) and for one browser test: a
 * few seconds on an idle machine, several times that while `npm test` runs every suite on 2 cores.
 */
export const STARTUP_TIMEOUT_MS = 180_000;
export const TEST_TIMEOUT_MS = 120_000;

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** A Chromium with a fresh profile, and every request its pages made that left 127.0.0.1 or failed. */
export interface TestBrowser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  /** Requests to any host other than 127.0.0.1 (refused before they leave the machine), as `METHOD url`. */
  offMachine: string[];
  /** Requests that failed (`requestfailed`), as `url: error`. */
  failed: string[];
  /** Pages' uncaught errors. */
  pageErrors: string[];
  /** Writes a PNG of the page's viewport (or whole page) to {@link SCREENSHOTS_DIR}/<name>.png and returns its path. */
  screenshot(page: Page, name: string, options?: { fullPage?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium headless with a new user-data directory. Requests to hosts other than
 * 127.0.0.1 are aborted and recorded (so nothing leaves the machine even when a page tries); every
 * failed request is recorded too. `close()` ends the browser and removes the profile.
 */
export async function launchChromium(): Promise<TestBrowser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), "reprise-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      timeout: 60_000,
      viewport: { width: 1280, height: 800 },
      reducedMotion: "reduce",
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  const offMachine: string[] = [];
  const failed: string[] = [];
  const pageErrors: string[] = [];
  const isLocal = (request: Request) => {
    const url = new URL(request.url());
    return !/^(https?|wss?):$/.test(url.protocol) || url.hostname === "127.0.0.1";
  };
  await context.route("**/*", (route) => {
    if (isLocal(route.request())) return route.continue();
    offMachine.push(`${route.request().method()} ${route.request().url()}`);
    return route.abort("blockedbyclient");
  });
  context.on("requestfailed", (request) => {
    if (isLocal(request)) failed.push(`${request.url()}: ${request.failure()?.errorText ?? "failed"}`);
  });
  context.on("page", (page) => page.on("pageerror", (error) => pageErrors.push(error.message)));
  for (const page of context.pages()) page.on("pageerror", (error) => pageErrors.push(error.message));

  return {
    context,
    offMachine,
    failed,
    pageErrors,
    newPage: () => context.newPage(),
    async screenshot(page, name, options = {}) {
      await mkdir(SCREENSHOTS_DIR, { recursive: true });
      const file = path.join(SCREENSHOTS_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
      return file;
    },
    async close() {
      try {
        await context.close();
      } finally {
        await rm(profile, { recursive: true, force: true });
      }
    },
  };
}
