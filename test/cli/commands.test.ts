import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueDemoApiKey } from "../../src/cli/demo.ts";
import { createEngine, type Engine } from "../../src/core/index.ts";
import { openPglite, type Db } from "../../src/store/index.ts";
import { createTestEngine } from "../support/engine.ts";
import { createPgliteDataDir, storesUnderTest } from "../support/stores.ts";

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/main.ts");

// Each command loads PGlite in a new process: slow on a loaded machine. A command is killed after
// CLI_TIMEOUT_MS, and every test allows more than all of its commands' timeouts together.
const CLI_TIMEOUT_MS = 60_000;

/** Runs one `reprise` command on a PGlite directory; execFile kills it if it outlives CLI_TIMEOUT_MS. */
function runCli(dataDir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "silent", REPRISE_DATA_DIR: dataDir };
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env, timeout: CLI_TIMEOUT_MS, killSignal: "SIGKILL" }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("reprise keys and workflows import", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await createPgliteDataDir();
  });
  afterAll(() => rmSync(path.join(dataDir, ".."), { recursive: true, force: true }));

  /** Opens the directory the commands wrote (after they exited: PGlite allows one opener). */
  async function withStoredEngine<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
    const db = await openPglite({ dataDir });
    const engine = createEngine({ db });
    try {
      return await fn(engine);
    } finally {
      await engine.close();
      await db.close();
    }
  }

  it("keys create prints a key of a new account that then resolves to it", async () => {
    const created = await runCli(dataDir, ["keys", "create", "--account", "acct_cli", "--name", "ci"]);
    expect(created.stderr).toContain("for account acct_cli");
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    const [resolved, listed] = await withStoredEngine(async (engine) => [await engine.resolveApiKey(key), await engine.listApiKeys("acct_cli")] as const);
    expect(resolved).toBe("acct_cli");
    expect(listed.map((k) => k.name)).toEqual(["ci"]);
  }, 2 * CLI_TIMEOUT_MS);

  it("workflows import creates a workflow in a new account, then a new version of it", async () => {
    const file = path.join(dataDir, "..", "order.yaml");
    writeFileSync(file, "name: order\ndefinition:\n  nodes:\n    - { id: start, type: trigger }\n  edges: []\n");
    const first = await runCli(dataDir, ["workflows", "import", file, "--account", "acct_import"]);
    expect([first.code, first.stderr]).toEqual([0, ""]);
    expect(first.stdout).toMatch(/^fl_wf_\w+ version 1 \(created\)\n$/);
    const second = await runCli(dataDir, ["workflows", "import", file, "--account", "acct_import"]);
    expect(second.stdout).toBe(first.stdout.replace("version 1 (created)", "version 2 (updated)"));
  }, 3 * CLI_TIMEOUT_MS);
});

describe.each(storesUnderTest())("the development key of npm start on $name", (store) => {
  let db: Db;
  let engine: Engine;
  beforeAll(async () => {
    db = await store.open();
    ({ engine } = createTestEngine(db));
  });
  afterAll(async () => {
    await engine.close();
    await db.close();
  });

  it("each start's key revokes the one printed before, and no other key of the account", async () => {
    const other = await engine.createApiKey("acct_demo", { name: "someone's own key" });
    const first = await issueDemoApiKey(engine);
    const second = await issueDemoApiKey(engine);
    expect(await engine.resolveApiKey(first)).toBeNull();
    expect(await engine.resolveApiKey(second)).toBe("acct_demo");
    expect(await engine.resolveApiKey(other.key)).toBe("acct_demo");
  });
});
