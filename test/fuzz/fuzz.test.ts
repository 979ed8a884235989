import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_NAMES, createCoverageRecorder, loadApiSpec } from "../contract/support/index.ts";
import { startTestServer, type TestServer } from "../support/servers.ts";
import { createFuzzWorld, readFuzzSettings, runFuzzProperty, sendRequest, type FuzzOutcome, type FuzzWorld } from "./support/index.ts";

const settings = readFuzzSettings(process.env);
const operations = API_NAMES.flatMap((api) => loadApiSpec(api).operations);
const outcomes: FuzzOutcome[] = [];

// Outbound calls of http_request nodes never leave the process: fuzzed workflows could name any URL.
const offline: typeof fetch = async () => new Response("{}", { status: 200, headers: { "content-type": "application/json" } });

describe(`fuzzing every operation (seed ${settings.baseSeed}, ${settings.runs} runs per property)`, () => {
  let server: TestServer;
  let world: FuzzWorld;
  beforeAll(async () => {
    // The fuzzer starts bulk rerun jobs over hundreds of runs; at one run per second (the pacing a
    // deployment would set to keep jobs from crowding out live work) they stay out of the properties' time.
    server = await startTestServer({ SHUTDOWN_DEADLINE_MS: "200", RERUN_JOB_MAX_RATE: "1" }, { fetcher: offline });
    // Every request the fuzzer sends is recorded for `npm run coverage:contract`.
    world = { ...(await createFuzzWorld(server)), coverage: createCoverageRecorder("fuzz", { label: "server", kind: "server" }) };
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    const histogram = (o: FuzzOutcome) => Object.entries(o.statuses).map(([status, n]) => `${status}×${n}`).join(" ");
    const lines = outcomes.map((o) => `${o.operationId.padEnd(28)} ${o.kind.padEnd(8)} ${String(o.numRuns).padStart(5)} cases ${String(Math.round(o.ms)).padStart(6)} ms ${o.failed ? "FAILED" : "ok    "} ${histogram(o)}`);
    console.log(`\nFuzz properties (FUZZ_SEED=${settings.baseSeed}):\n${lines.join("\n")}\n`);
  });

  for (const op of operations) {
    for (const kind of ["valid", "invalid"] as const) {
      const title = kind === "valid" ? "valid requests get a documented answer with a schema-valid body" : "invalid requests get a documented 4xx in the error shape";
      it(`${op.api} ${op.operationId}: ${title}`, async () => {
        const outcome = await runFuzzProperty(world, op, kind, settings);
        outcomes.push(outcome);
        expect(outcome.report ?? "").toBe("");
        expect(outcome.numRuns).toBe(settings.runs);
      }, 180_000);
    }
  }

  it("still serves valid requests after the fuzzing", async () => {
    for (const api of API_NAMES) expect((await fetch(`${world.urls[api]}/healthz`)).status).toBe(200);
    const runId = world.own.altostrat.runId![0]!;
    const answer = await sendRequest(world, "altostrat", {
      operationId: "getWorkflowRun",
      method: "GET",
      path: `/workflows/runs/${runId}`,
      query: [],
      headers: { Authorization: `Bearer ${world.main.token}` },
      foreign: false,
    });
    expect(answer.status).toBe(200);
    expect((answer.body as { id?: string }).id).toBe(runId);
  });
});
