// Tenant code that never ends, allocates without bound or produces huge outputs, run on a real
// server: the offending node fails with its code in both APIs' log shapes, and the server keeps
// answering everyone meanwhile.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, type TestTenant } from "../support/servers.ts";
import { createAlloyWorkflow, createAltostratWorkflow, executeAltostrat, waitForExecution, waitForRun, type Definition } from "../support/http-runs.ts";
import { ECHO } from "../support/workflows.ts";

/** trigger → transform with the given expression. */
const transformOf = (expression: string, config: Record<string, unknown> = {}): Definition => ({
  nodes: [
    { id: "start", type: "trigger" },
    { id: "code", type: "transform", config: { expression, ...config } },
  ],
  edges: [{ source: "start", target: "code" }],
});

const ENDLESS = "($f := function($n){ $f($n+1) }; $f(0))";
const HUGE_OUTPUT = '$pad("x", 3000000)';
const MEMORY_HOG = "[1..10000000]";

/**
 * Sends GET /healthz every `everyMs` while `during` runs; resolves with the slowest answer's time
 * and every answer that was not a 200 (or no answer within 10 s).
 */
async function watchHealth<T>(url: string, during: () => Promise<T>, everyMs = 100) {
  let stop = false;
  const times: number[] = [];
  const failures: string[] = [];
  const watching = (async () => {
    while (!stop) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
        if (res.status !== 200) failures.push(`status ${res.status}`);
        await res.arrayBuffer();
      } catch (err) {
        failures.push(String(err));
      }
      times.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  try {
    const result = await during();
    return { result, slowestMs: Math.max(...times), samples: times.length, failures };
  } finally {
    stop = true;
    await watching;
  }
}

describe("tenant code runs in the sandbox", () => {
  let server: TestServer;
  let mallory: TestTenant;
  let alice: TestTenant;

  beforeAll(async () => {
    server = await startTestServer({ SANDBOX_TIMEOUT_MS: "5000", SANDBOX_MEMORY_MB: "32", SANDBOX_PROCESSES: "2" });
    mallory = await server.createTenant("mallory");
    alice = await server.createTenant("alice");
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("fails an endless, a memory-hungry and a huge-output expression with their codes while /healthz and other tenants keep answering", async () => {
    const cases = [
      // The node lowers its own time limit; the memory hog gets the server's whole 5 s to run out of heap.
      { expression: ENDLESS, code: "node_timeout", config: { timeout_ms: 500 } },
      { expression: MEMORY_HOG, code: "node_memory_exceeded", config: {} },
      { expression: HUGE_OUTPUT, code: "node_output_too_large", config: {} },
    ];
    const { slowestMs, samples, failures } = await watchHealth(server.altostratUrl, async () => {
      const started = [];
      for (const c of cases) {
        const wf = await createAltostratWorkflow(mallory, transformOf(c.expression, c.config), c.code);
        for (let i = 0; i < 2; i++) started.push({ ...c, run: await executeAltostrat(mallory, wf.id) });
      }
      // Another tenant's work goes through meanwhile.
      const echo = await createAltostratWorkflow(alice, ECHO);
      const aliceRun = await executeAltostrat(alice, echo.id, { hello: "world" });
      expect((await waitForRun(alice, aliceRun.id)).status).toBe("completed");

      for (const { run, code } of started) {
        const finished = await waitForRun(mallory, run.id);
        expect(finished.status).toBe("failed");
        const failedLog = finished.logs?.find((l) => l.status === "error");
        expect(failedLog?.output, `run of ${code}`).toMatchObject({ code });
        expect(finished.error_message).toMatch(/^Node 'code' \(transform\) failed: /);
      }
    });
    expect(failures).toEqual([]);
    expect(samples).toBeGreaterThan(3);
    expect(slowestMs).toBeLessThan(2000);
  }, 120_000);

  it("records the code in Alloy's step results too", async () => {
    const wf = await createAlloyWorkflow(server, mallory, transformOf(ENDLESS, { timeout_ms: 200 }), "endless-alloy");
    const res = await fetch(`${server.alloyUrl}/run/workflow`, {
      method: "POST",
      headers: { authorization: `bearer ${mallory.apiKey}`, "x-api-version": "2025-09", "content-type": "application/json" },
      body: JSON.stringify({ workflowId: wf.id, userId: "u1", data: {} }),
    });
    expect(res.status).toBe(200);
    const { executionId } = (await res.json()) as { executionId: string };
    const execution = await waitForExecution(mallory, executionId);
    expect(execution.status).toBe("failed");
    const failed = execution.results.find((r) => (r.data as { code?: string } | null)?.code !== undefined);
    // The node lowered its own time limit to 200 ms: the message names the limit that applied.
    expect(failed?.data).toMatchObject({ code: "node_timeout", error: expect.stringContaining("200 ms") });
  }, 60_000);

  it("refuses a definition whose expression does not compile within the sandbox's limits, or is too long, with 422 naming the field", async () => {
    const tooLong = await mallory.altostrat.POST("/workflows", { body: { name: "long", definition: transformOf(`"${"x".repeat(20_000)}"`) } });
    expect(tooLong.response.status).toBe(422);
    expect(JSON.stringify(tooLong.error)).toContain("nodes[1].config.expression");

    // Deep nesting makes the parser recurse until the sandbox process's stack gives out.
    const deep = `${"(".repeat(8000)}1${")".repeat(8000)}`;
    const { result: bomb, slowestMs, failures } = await watchHealth(server.altostratUrl, () =>
      mallory.altostrat.POST("/workflows", { body: { name: "deep", definition: transformOf(deep) } }),
    );
    expect(bomb.response.status).toBe(422);
    expect(JSON.stringify(bomb.error)).toContain("nodes[1].config.expression");
    expect(failures).toEqual([]);
    expect(slowestMs).toBeLessThan(2000);
  }, 60_000);

  it("fails a run whose outputs together exceed the run's limit, storing none of the oversized output", async () => {
    const big = '$pad("y", 900000)';
    const definition: Definition = {
      nodes: [{ id: "start", type: "trigger" }, ...Array.from({ length: 10 }, (_, i) => ({ id: `n${i}`, type: "transform" as const, config: { expression: big } }))],
      edges: Array.from({ length: 10 }, (_, i) => ({ source: i === 0 ? "start" : `n${i - 1}`, target: `n${i}` })),
    };
    const wf = await createAltostratWorkflow(mallory, definition, "many-big-outputs");
    const run = await waitForRun(mallory, (await executeAltostrat(mallory, wf.id)).id);
    expect(run.status).toBe("failed");
    const failed = run.logs?.find((l) => l.status === "error");
    expect(failed?.output).toMatchObject({ code: "run_output_too_large" });
    // 8 MiB of outputs at most: nine of ~0.9 MB each fit, the tenth does not.
    expect(run.logs?.filter((l) => l.status === "success").length).toBeLessThan(11);
  }, 60_000);
});
