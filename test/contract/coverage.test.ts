import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import YAML from "yaml";
import { REPO_ROOT, runScript } from "../support/run-script.ts";
import { createCoverageRecorder, describeExchange } from "./support/index.ts";
import { closeCoverageRecorders } from "./support/coverage.ts";

type Lib = typeof import("../../scripts/lib/contract-coverage.mjs");
const lib = (await import(path.join(REPO_ROOT, "scripts/lib/contract-coverage.mjs"))) as Lib;

const FIXTURE = path.join(REPO_ROOT, "test/contract/fixtures/contract-coverage");
const CONFIG = "test/contract/fixtures/contract-coverage/config.yaml";

async function fixtureCoverage(configText?: string) {
  const doc = YAML.parse(await readFile(path.join(FIXTURE, "spec.yaml"), "utf8")) as object;
  const specs = [{ api: "fixture", file: "spec.yaml", operations: lib.readSpecOperations("fixture", doc) }];
  const config = lib.parseConfig(configText ?? (await readFile(path.join(REPO_ROOT, CONFIG), "utf8")), specs, CONFIG);
  const records = await lib.readRecords(path.join(FIXTURE, "records"));
  return lib.computeCoverage({ specs, records, config });
}

describe("contract coverage computation (fixture spec and records)", () => {
  it("counts the newest run only, per operation and status, on the server and on the mock", async () => {
    const coverage = await fixtureCoverage();
    // Given: run-2 wrote scenarios-server and scenarios-mock; fuzz-server is left over from run-1.
    expect(coverage.run).toEqual({
      id: "run-2",
      at: "2026-05-04T10:00:01.000Z",
      files: [
        { file: "scenarios-mock.jsonl", run: "run-2", at: "2026-05-04T10:00:00.000Z", layer: "scenarios", target: "mock", kind: "mock", records: 3 },
        { file: "scenarios-server.jsonl", run: "run-2", at: "2026-05-04T10:00:01.000Z", layer: "scenarios", target: "server", kind: "server", records: 6 },
      ],
    });
    expect(coverage.stale.map((f) => [f.file, f.run])).toEqual([["fuzz-server.jsonl", "run-1"]]);
    const [api] = coverage.apis;
    const view = api!.operations.map((o) => ({
      op: o.operationId,
      documented: o.documented,
      server: o.server,
      mock: o.mock,
      missing: o.missing,
      excepted: o.excepted.map((e) => e.status),
      undocumented: o.undocumented.server,
    }));
    // Want: the stale run's deleteThing 409 does not count; 400 is seen but undocumented; 500 and createThing 422 are excepted.
    expect(view).toEqual([
      { op: "getThing", documented: ["200", "404", "500"], server: ["200", "400", "404"], mock: ["200", "500"], missing: [], excepted: ["500"], undocumented: ["400"] },
      { op: "deleteThing", documented: ["204", "409"], server: ["204"], mock: ["409"], missing: ["409"], excepted: [], undocumented: [] },
      { op: "createThing", documented: ["201", "422"], server: ["201"], mock: [], missing: [], excepted: ["422"], undocumented: [] },
    ]);
    expect(api!.totals).toEqual({
      operations: 3,
      operationsOnServer: 3,
      operationsExcepted: 0,
      statuses: 7,
      statusesOnServer: 4,
      statusesCountable: 5,
      statusesExcepted: 2,
      statusesOnMock: 3,
      examples: 3,
      examplesOnServer: 2,
      examplesOnMock: 1,
      examplesAnywhere: 3,
    });
    expect(api!.unmatched).toEqual({ server: { 404: 1 } });
  });

  it("records named examples and query and header parameters", async () => {
    const [api] = (await fixtureCoverage()).apis;
    const getThing = api!.operations[0]!;
    expect(getThing.examples).toEqual([
      { status: "200", name: "small", server: true, mock: false },
      { status: "200", name: "large", server: false, mock: true },
      { status: "404", name: "thingNotFound", server: true, mock: false },
    ]);
    expect(getThing.parameters).toEqual([
      { in: "header", name: "x-version", required: true, sentOnServer: true, omittedOnServer: true },
      { in: "query", name: "expand", required: false, sentOnServer: false },
    ]);
  });

  it("fails on a status never answered by a server, a stale exception and a layer missing from the run", async () => {
    const coverage = await fixtureCoverage();
    expect(coverage.ok).toBe(false);
    expect(coverage.failures).toEqual([
      "no records from fuzz-server in the newest run (run-2); a run must hold scenarios-mock, scenarios-server, fuzz-server",
      "fixture: 80% of documented statuses answered by a server, below 100%: never answered: deleteThing 409",
      `stale exception (${CONFIG} exception 3: fixture deleteThing 204): a server answered it in this run; remove the entry`,
    ]);
  });

  it("passes when the threshold allows the gap and the exceptions are all needed", async () => {
    const config = ["minimum: { statuses: 80 }", "layers: [scenarios-mock, scenarios-server]", "exceptions:", '  - { api: fixture, operation: "*", status: 500, reason: broken servers only }', "  - { api: fixture, operation: createThing, status: 422, reason: none }"].join("\n");
    const coverage = await fixtureCoverage(config);
    expect(coverage.failures).toEqual([]);
    expect(coverage.warnings).toEqual(["fixture: documented statuses never answered by a server: deleteThing 409"]);
    expect(coverage.ok).toBe(true);
  });

  it("refuses exceptions without a reason or naming what the spec does not document", async () => {
    const config = [
      "exceptions:",
      "  - { api: fixture, operation: getThing, status: 500 }",
      "  - { api: fixture, operation: getThing, status: 418, reason: teapot }",
      "  - { api: other, operation: getThing, status: 500, reason: x }",
      "  - { api: fixture, operation: nope, reason: x, why: y }",
    ].join("\n");
    const coverage = await fixtureCoverage(config);
    expect(coverage.failures.slice(0, 5)).toEqual([
      `${CONFIG} exception 1: needs a reason`,
      `${CONFIG} exception 2: fixture getThing documents no status 418`,
      `${CONFIG} exception 3: api must be one of fixture`,
      `${CONFIG} exception 4: unknown key 'why'`,
      `${CONFIG} exception 4: operation must be an operationId of fixture or "*", got 'nope'`,
    ]);
  });

  it("prints one matrix per API", async () => {
    const table = lib.formatTable(await fixtureCoverage());
    expect(table.split("\n")).toEqual([
      "run run-2 (2026-05-04T10:00:01.000Z): scenarios-mock 3, scenarios-server 6 records",
      "ignored fuzz-server.jsonl: from an earlier run (run-1, 2026-05-03T09:00:00.000Z)",
      "",
      "fixture: 3/3 operations and 4/5 statuses answered by a server (2 more excepted); 3/7 by the mock; 3/3 named examples answered",
      "  operation                   200  201  204  404  409  422  500",
      "  getThing                    SM             S·             eM",
      "  deleteThing                           S·        !M",
      "  createThing                      S·                  e·",
      "  getThing answered undocumented statuses: 400 (server)",
      "  requests that reached no operation (path tricks, unknown routes): server: 404×1",
      "",
      "S answered by a server, M by the mock, · not by the mock; e not by a server, excepted; ! not by a server: MISSING",
    ]);
  });
});

describe("npm run coverage:contract", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const copyRecords = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "reprise-coverage-"));
    dirs.push(dir);
    await cp(path.join(FIXTURE, "records"), dir, { recursive: true });
    return dir;
  };
  const args = (dir: string) => ["--dir", dir, "--config", CONFIG, "--spec", "fixture=test/contract/fixtures/contract-coverage/spec.yaml"];

  it("with --check exits 1 naming each problem, and writes the Markdown and JSON reports", async () => {
    const dir = await copyRecords();
    const result = await runScript(REPO_ROOT, "coverage-contract.mjs", [...args(dir), "--check"]);
    expect(result.code, result.output).toBe(1);
    const lines = result.output.trimEnd().split("\n");
    expect(lines.slice(-4)).toEqual([
      "coverage:contract: no records from fuzz-server in the newest run (run-2); a run must hold scenarios-mock, scenarios-server, fuzz-server",
      "coverage:contract: fixture: 80% of documented statuses answered by a server, below 100%: never answered: deleteThing 409",
      `coverage:contract: stale exception (${CONFIG} exception 3: fixture deleteThing 204): a server answered it in this run; remove the entry`,
      "coverage:contract: FAILED (3 problems)",
    ]);
    const markdown = await readFile(path.join(dir, "report.md"), "utf8");
    expect(markdown).toContain("| `deleteThing` DELETE `/things/{id}` | 204 409 | 204 | 409 | **409 missing** |");
    const json = JSON.parse(await readFile(path.join(dir, "report.json"), "utf8")) as { ok: boolean; apis: { operations: { operationId: string; missing: string[] }[] }[] };
    expect(json.ok).toBe(false);
    expect(json.apis[0]!.operations.map((o) => [o.operationId, o.missing])).toEqual([["getThing", []], ["deleteThing", ["409"]], ["createThing", []]]);
  });

  it("without --check reports the same and exits 0", async () => {
    const result = await runScript(REPO_ROOT, "coverage-contract.mjs", args(await copyRecords()));
    expect(result.code, result.output).toBe(0);
    expect(result.output.trimEnd().split("\n").at(-1)).toBe("coverage:contract: would fail --check (3 problems)");
  });

  it("fails when there are no records at all", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "reprise-coverage-"));
    dirs.push(dir);
    const result = await runScript(REPO_ROOT, "coverage-contract.mjs", [...args(dir), "--check"]);
    expect(result.code).toBe(1);
    expect(result.output).toContain("coverage:contract: no records: run the contract and fuzz suites first");
  });
});

describe("the coverage recorder", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    closeCoverageRecorders();
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const read = async (file: string) => (await readFile(file, "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
  const exchange = { api: "altostrat" as const, method: "GET", url: "http://127.0.0.1:1/workflows/runs/fl_run_0000000000000000000000zzzz", headers: {}, status: 404, by: "test" };

  it("starts a file afresh for a new run and appends within the same run", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "reprise-recorder-"));
    dirs.push(dir);
    const env = (run: string) => ({ CONTRACT_COVERAGE_DIR: dir, CONTRACT_COVERAGE_RUN: run });
    const target = { label: "server", kind: "server" as const };
    createCoverageRecorder("scenarios", target, env("run-a")).record(exchange);
    closeCoverageRecorders();
    const again = createCoverageRecorder("scenarios", target, env("run-a"));
    again.record(exchange);
    expect((await read(again.file)).map((r) => r.type)).toEqual(["run", "exchange", "exchange"]);
    closeCoverageRecorders();
    const next = createCoverageRecorder("scenarios", target, env("run-b"));
    next.record(exchange);
    const lines = await read(next.file);
    expect(lines.map((r) => [r.type, r.run])).toEqual([["run", "run-b"], ["exchange", undefined]]);
    expect(path.basename(next.file)).toBe("scenarios-server.jsonl");
  });

  it("names the operation, the example and the parameters, never a value", () => {
    const unknownRun = { type: "exchange", api: "altostrat", operation: "getWorkflowRun", method: "GET", path: "/workflows/runs/{runId}", status: 404, example: "runNotFound", sent: [], omitted: [], by: "test" };
    expect(describeExchange({ ...exchange, body: { code: "run_not_found" } }, "server")).toEqual(unknownRun);
    // An id of the wrong shape still reached its operation (which answers 400 naming it).
    const malformed = { ...exchange, url: "http://h/workflows/runs/not-a-run/", status: 400, body: { code: "validation_failed", errors: [{ path: "/params/runId" }] } };
    expect(describeExchange(malformed, "server")).toMatchObject({ operation: "getWorkflowRun", status: 400, example: "invalidPathParameter" });
    // The mock answers the example `Prefer` names; a server ignores the header.
    const resume = { ...exchange, method: "POST", url: "http://h/workflows/runs/fl_run_0000000000000000000000zzzz/resume-from/n9?x=1", headers: { Prefer: "code=404, example=nodeNotFound", "Idempotency-Key": "k" }, body: { code: "node_not_found" } };
    expect(describeExchange(resume, "mock")).toMatchObject({ operation: "resumeWorkflowRunFromNode", example: "nodeNotFound", sent: ["header:Idempotency-Key"] });
    expect(describeExchange({ ...resume, body: { code: "run_not_found" } }, "server")).toMatchObject({ example: "runNotFound" });
    const alloy = describeExchange({ api: "alloy", method: "GET", url: "http://h/logs/00000000-0000ffff", headers: { authorization: "bearer alloy_secret" }, status: 400, body: { code: "unsupported_api_version" }, by: "test" }, "server");
    expect(alloy).toMatchObject({ operation: "getExecution", example: "unsupportedApiVersion", sent: ["header:Authorization"], omitted: ["header:x-api-version"] });
    expect(JSON.stringify(alloy)).not.toContain("alloy_secret");
    expect(describeExchange({ ...exchange, url: "http://h/nowhere" }, "server")).toMatchObject({ operation: null, path: null });
  });
});
