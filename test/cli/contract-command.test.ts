import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/servers.ts";
import { APPROVAL_DEFINITION, APPROVAL_WORKFLOW_NAME, QUICK_DEFINITION, QUICK_WORKFLOW_NAME, SLOW_DEFINITION } from "../contract/support/scenarios/definitions.ts";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/reprise.js");
const children = new Set<ChildProcess>();

/**
 * Runs `reprise contract` in its own process group from `cwd`, with no CONTRACT_* variable of the
 * caller's; the group (the command, vitest's workers, Prism) is killed if the test gives up first.
 */
function runContract(cwd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CONTRACT_") && !name.startsWith("VITEST")));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "contract", ...args], { cwd, env: { ...env, ...extraEnv, NO_COLOR: "1" }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      children.delete(child);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

type JUnitCase = { name: string; failure?: unknown; skipped?: unknown; properties?: { property: { name: string; value: string }[] } };
type JUnitSuite = { tests: number; failures: number; errors: number; skipped: number; testcase: JUnitCase[] };

describe("reprise contract against a running server, from another directory", () => {
  let server: TestServer;
  let cwd: string;
  let flags: string[];
  let token: string;
  beforeAll(async () => {
    cwd = await mkdtemp(path.join(os.tmpdir(), "reprise-contract-cwd-"));
    server = await startTestServer({ SHUTDOWN_DEADLINE_MS: "200" });
    const main = await server.createTenant("cli-main");
    const create = (name: string, definition: object) =>
      server.engine.createWorkflow({ accountId: main.accountId, idStyle: "alloy", name, definition: definition as never });
    // The quick workflow carries the name the scenarios address it by.
    const [quick, slow, approval] = [
      await create(QUICK_WORKFLOW_NAME, QUICK_DEFINITION),
      await create("contract slow", SLOW_DEFINITION),
      await create(APPROVAL_WORKFLOW_NAME, APPROVAL_DEFINITION),
    ];
    token = main.token;
    flags = [
      ...["--altostrat", server.altostratUrl, "--alloy", server.alloyUrl, "--token", main.token, "--api-key", main.apiKey],
      ...["--alloy-workflow", quick.id, "--alloy-slow-workflow", slow.id, "--alloy-approval-workflow", approval.id],
    ];
  }, 120_000);
  afterAll(async () => {
    for (const child of children) {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await server?.stop();
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it("runs every scenario and workflow, prints the targets first, and writes valid JUnit XML and a JSON summary that say what was not run and why", async () => {
    // A leftover variable must not beat the flag; without a second account the isolation scenario cannot run.
    const run = await runContract(cwd, [...flags, "--reporter", "junit", "--output", "r.xml", "--reporter", "json", "--output", "summary.json"], {
      CONTRACT_ALTOSTRAT_URL: "http://leftover.invalid",
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout.split("\n").slice(0, 3)).toEqual([
      "reprise contract: targets deployment",
      `  deployment Altostrat ${server.altostratUrl}, Alloy ${server.alloyUrl}; behind Prism's validating proxy`,
      "             settings: altostrat from --altostrat, alloy from --alloy, token from --token, apiKey from --api-key, alloyWorkflow from --alloy-workflow, alloySlowWorkflow from --alloy-slow-workflow, alloyApprovalWorkflow from --alloy-approval-workflow",
    ]);
    expect(run.stdout).not.toContain(token); // credentials are named, never printed
    expect(run.stdout).toMatch(/NOT RUN \[deployment\] account isolation › \(whole scenario\): no second account/);

    const xml = await readFile(path.join(cwd, "r.xml"), "utf8");
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", parseAttributeValue: true, isArray: (name) => ["testsuite", "testcase", "property"].includes(name) }).parse(xml);
    const suites = parsed.testsuites.testsuite as JUnitSuite[];
    const cases = suites.flatMap((s) => s.testcase);
    expect(cases.length).toBeGreaterThanOrEqual(9); // scenarios, the check of where checks ran, two Arazzo runs
    expect([parsed.testsuites.tests, parsed.testsuites.failures, parsed.testsuites.errors]).toEqual([cases.length, 0, 0]);
    expect(suites.map((s) => [s.failures, s.errors, s.skipped])).toEqual([[0, 0, 1]]);
    expect(cases.filter((c) => c.failure !== undefined)).toEqual([]);
    const skipped = cases.filter((c) => c.skipped !== undefined);
    expect(skipped.map((c) => [c.name, c.properties?.property.map((p) => `${p.name}: ${p.value}`)])).toEqual([
      ["account isolation [deployment]", [expect.stringMatching(/^not run: \(whole scenario\): no second account/)]],
    ]);
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(["altostrat rerun loop [deployment]", "alloy rerun workflows [deployment]"]));

    const summary = JSON.parse(await readFile(path.join(cwd, "summary.json"), "utf8"));
    expect(summary).toMatchObject({ result: "passed", exitCode: 0, targets: [{ label: "deployment", altostrat: server.altostratUrl, alloy: server.alloyUrl }] });
    expect(summary.tests).toEqual({ total: cases.length, passed: cases.length - 1, failed: 0, skipped: 1 });
    expect(summary.checks).toMatchObject({ failed: 0, notRun: 1 });
    expect(summary.checks.passed).toBeGreaterThan(40);
    expect(summary.notRun).toEqual([{ test: "contract scenarios > account isolation [deployment]", reason: expect.stringContaining("no second account") }]);
    expect(summary.failures).toEqual([]);
  }, 240_000);

  it("says in one line that a target is unreachable and exits with 2", async () => {
    const port = await closedPort();
    const alloy = `http://127.0.0.1:${port}`;
    const run = await runContract(cwd, ["--altostrat", server.altostratUrl, "--alloy", alloy, "--reporter", "json"], {
      CONTRACT_TOKEN: "token",
      CONTRACT_API_KEY: "key",
    });
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr.trimEnd().split("\n")).toEqual([`reprise contract: deployment unreachable: Alloy ${alloy} (connect ECONNREFUSED 127.0.0.1:${port}); nothing was run`]);
    const summary = JSON.parse(await readFile(path.join(cwd, "reprise-contract.json"), "utf8")); // the default file
    expect(summary).toMatchObject({ result: "unreachable", exitCode: 2, unreachable: [{ api: "Alloy", url: alloy }] });
  }, 60_000);

  it("takes settings from a config file where no flag or variable gives them", async () => {
    const [closed, other] = [await closedPort(), await closedPort()];
    await writeFile(path.join(cwd, "contract.yaml"), `altostrat: ${server.altostratUrl}\nalloy: http://127.0.0.1:${other}\ntoken: file-token\napiKey: file-key\n`);
    const run = await runContract(cwd, ["--config", "contract.yaml", "--alloy", `http://127.0.0.1:${closed}`], { CONTRACT_API_KEY: "env-key" });
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toContain("settings: altostrat from contract.yaml, alloy from --alloy, token from contract.yaml, apiKey from CONTRACT_API_KEY");
    expect(run.stderr).toContain(`Alloy http://127.0.0.1:${closed} (connect ECONNREFUSED`);
  }, 60_000);

  it("refuses wrong usage and the options not available yet in one line with exit code 2", async () => {
    for (const [args, message] of [
      [[], "nothing to run against"],
      [["--altostrat", "ftp://x"], "--altostrat must be an http(s) URL"],
      [["--altostrat", server.altostratUrl], "needs CONTRACT_TOKEN or --token"],
      [["--mock", "--provision"], "--provision creates fixtures on a development server: give its --altostrat URL"],
      [["--reporter", "tap"], "--reporter must be junit or json"],
    ] as const) {
      const run = await runContract(cwd, [...args]);
      expect([run.code, run.stderr.trimEnd().split("\n").length], run.stderr).toEqual([2, 1]);
      expect(run.stderr).toContain(message);
    }
  }, 60_000);
});
