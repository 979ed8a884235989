import { execFile, type ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlloyClient } from "../../src/client/index.ts";
import { signalGroup, spawnInGroup } from "../support/child-processes.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(ROOT, "bin/reprise.js");
const SECRET = "fixtures-through-server-secret-0123456789abcdef";

type Ran = { code: number; stdout: string; stderr: string };

/** Runs `reprise <args>` in `cwd` with the server's data directory; execFile kills it if it outlives the timeout. */
function reprise(args: string[], env: Record<string, string>, cwd = ROOT): Promise<Ran> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CONTRACT_|VITEST|REPRISE_)/.test(name)));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...clean, JWT_SECRET: SECRET, LOG_LEVEL: "silent", NO_COLOR: "1", ...env }, timeout: 240_000, killSignal: "SIGKILL" }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Resolves once the child's stdout matched every pattern, with the first group of each. */
function waitForLines(child: ChildProcess, patterns: RegExp[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const found = patterns.map((p) => p.exec(out)?.[1]);
      if (found.every(Boolean)) resolve(found as string[]);
    });
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`the server exited (${code}) before it was ready:\n${out}`)));
  });
}

describe("fixture commands while `reprise start` holds the embedded store", () => {
  let dir: string;
  let env: Record<string, string>;
  let server: ChildProcess;
  let urls: { altostrat: string; alloy: string; admin: string; demoKey: string };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "reprise-fixtures-"));
    env = { REPRISE_DATA_DIR: path.join(dir, "data") };
    server = spawnInGroup(process.execPath, [BIN, "start"], {
      cwd: ROOT,
      env: { ...process.env, ...env, NODE_ENV: "development", JWT_SECRET: SECRET, LOG_LEVEL: "warn", ALTOSTRAT_PORT: "0", ALLOY_PORT: "0", SANDBOX_PROCESSES: "2", POLL_INTERVAL_MS: "50", DATABASE_URL: "" },
    });
    const [altostrat, alloy, admin, demoKey] = await waitForLines(server, [
      /Altostrat Workflows API\s+(http:\/\/\S+)/,
      /Alloy Embedded 2025-09\s+(http:\/\/\S+)/,
      /Admin \(127\.0\.0\.1 only[^)]*\)\s+(http:\/\/\S+)/,
      /Development Alloy API key[^\n]*\n\s+(alloy_\S+)/,
    ]);
    urls = { altostrat: altostrat!, alloy: alloy!, admin: admin!, demoKey: demoKey! };
  }, 180_000);
  afterAll(async () => {
    if (server) signalGroup(server, "SIGKILL");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("leaves the admin URL and token in the data directory, readable by its owner only", async () => {
    const file = path.join(env.REPRISE_DATA_DIR!, "admin.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ url: urls.admin, token: expect.any(String) });
  });

  it("keys create and workflows import go through the running server, and the key works against the Alloy API", async () => {
    const key = await reprise(["keys", "create", "--account", "acct_live", "--name", "ci"], env);
    expect([key.code, key.stderr]).toEqual([0, expect.stringContaining(`through the running server's admin listener ${urls.admin}`)]);
    const workflowFile = path.join(dir, "slow.yaml");
    await writeFile(workflowFile, "name: live slow\ndefinition:\n  nodes: [{ id: n1, type: trigger }, { id: n2, type: delay, config: { seconds: 60 } }]\n  edges: [{ source: n1, target: n2 }]\n");
    const first = await reprise(["workflows", "import", workflowFile, "--account", "acct_live", "--api", "alloy"], env);
    const second = await reprise(["workflows", "import", workflowFile, "--account", "acct_live", "--api", "alloy"], env);
    expect([first.code, second.code]).toEqual([0, 0]);
    const workflowId = first.stdout.split(" ")[0]!;
    expect(second.stdout).toBe(`${workflowId} version 2 (updated)\n`);

    const alloy = createAlloyClient({ baseUrl: urls.alloy, apiKey: key.stdout.trim() });
    const logs = await alloy.GET("/workflows/{workflowId}/logs", { params: { path: { workflowId } } });
    expect(logs.response.status).toBe(200);
    // The key printed at start still works: nothing restarted.
    const demo = await createAlloyClient({ baseUrl: urls.alloy, apiKey: urls.demoKey }).GET("/workflows/{workflowId}/logs", { params: { path: { workflowId } } });
    expect(demo.response.status).toBe(404); // authenticated (not 401), and another account's workflow stays hidden
  }, 120_000);

  it("reprise contract --provision creates every fixture and runs the whole suite with nothing left out", async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), "reprise-provision-cwd-"));
    try {
      const run = await reprise(["contract", "--altostrat", urls.altostrat, "--alloy", urls.alloy, "--provision", "--reporter", "json", "--output", "s.json"], env, cwd);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain("token from --provision, apiKey from --provision, otherToken from --provision");
      expect(run.stdout).toContain("alloyApprovalWorkflow from --provision");
      const summary = JSON.parse(await readFile(path.join(cwd, "s.json"), "utf8"));
      expect([summary.result, summary.tests.failed, summary.tests.skipped, summary.notRun]).toEqual(["passed", 0, 0, []]);
      expect(summary.checks.notRun).toBe(0);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 240_000);

  it("reprise contract --provision refuses a credential flag of its own, and a data directory where no server runs", async () => {
    const both = await reprise(["contract", "--altostrat", urls.altostrat, "--provision", "--api-key", "alloy_x"], env);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining("--provision creates --api-key itself")]);
    const nowhere = await reprise(["contract", "--altostrat", urls.altostrat, "--provision"], { REPRISE_DATA_DIR: dir });
    expect([nowhere.code, nowhere.stderr]).toEqual([2, expect.stringContaining("--provision needs a development server's admin listener")]);
  }, 60_000);

  it("once the server has stopped, its admin file is gone and the commands open the store directly", async () => {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    signalGroup(server, "SIGTERM");
    await exited;
    expect(existsSync(path.join(env.REPRISE_DATA_DIR!, "admin.json"))).toBe(false);
    const key = await reprise(["keys", "create", "--account", "acct_live"], env);
    expect(key.code, key.stderr).toBe(0);
    expect(key.stderr).not.toContain("through");
  }, 120_000);
});
