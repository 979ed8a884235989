// Figure 5 — bulk: N runs (default 10,000) of the three-node workflow (trigger → transform → condition),
// submitted over HTTP (POST /workflows/{id}/execute, 32 connections) and executed by the server's
// workers, embedded store. Run: npm run bench:bulk   (BENCH_BULK_RUNS, BENCH_BULK_TIMEOUT_S to change)
import { formatCpu, startCpuSample } from "./lib/cpu.ts";
import { DEFAULT_WORKER_CONCURRENCY } from "../src/config.ts";
import { mainFigure } from "./lib/figure.ts";
import { describePinning } from "./lib/pin.ts";
import type { Figure } from "./lib/report.ts";
import { startReprise } from "./lib/servers.ts";
import { fmt } from "./lib/stats.ts";
import { submitAll } from "./lib/submit-all.ts";

const TARGET_S = 20;

/** Submits RUNS executions as fast as the server accepts them and waits until the workers finished them all. */
export async function measureBulk({ timeoutS = Number(process.env.BENCH_BULK_TIMEOUT_S ?? 150) } = {}): Promise<Figure> {
  const RUNS = Number(process.env.BENCH_BULK_RUNS ?? 10_000);
  const TIMEOUT_S = timeoutS;
  const concurrency = Number(process.env.BENCH_WORKER_CONCURRENCY) || DEFAULT_WORKER_CONCURRENCY;
  const server = await startReprise({ store: "file", concurrency });
  const { altostratUrl, token, workflowId } = server.info;
  const counters = () => server.request<{ finished: number; failed: number }>("counters");
  const before = await counters();
  const stopCpu = startCpuSample([server.pid]);
  const t0 = performance.now();
  let submitted = Number.NaN;
  // Submission runs concurrently with the watch below: the workers execute while requests arrive.
  const abort = new AbortController();
  // A client that honours admission control: a 503 (the account's queue is full) is sent again after its Retry-After.
  const submitting = submitAll({
    signal: abort.signal,
    url: `${altostratUrl}/workflows/${workflowId}/execute`,
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ context: { order: "B-1", qty: 3, price: 42.5 } }),
    amount: RUNS,
    connections: 32,
  }).then((r) => {
    submitted = (performance.now() - t0) / 1000;
    return r;
  });
  let done = 0;
  let failed = 0;
  while ((performance.now() - t0) / 1000 < TIMEOUT_S) {
    const now = await counters();
    done = now.finished - before.finished;
    failed = now.failed - before.failed;
    if (done >= RUNS) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = stopCpu();
  abort.abort();
  const load = await submitting;
  const complete = done >= RUNS;
  return {
    id: "5-bulk",
    title: `5. Bulk: ${RUNS.toLocaleString("en-US")} runs of a three-node workflow (embedded store)`,
    command: "npm run bench:bulk",
    inputs: {
      load: `undici, 32 keep-alive connections, ${RUNS} × POST /workflows/{id}/execute, a 503 sent again after its Retry-After; workers (concurrency ${concurrency}) run during submission; stop after ${TIMEOUT_S} s`,
      placement: describePinning(),
    },
    rows: [
      {
        measure: "all runs completed, s (first request → last run finished)",
        value: complete ? fmt(elapsed) : `not done after ${fmt(elapsed)} s (${done.toLocaleString("en-US")} finished)`,
        target: `≤ ${TARGET_S} s`,
        met: complete && elapsed <= TARGET_S,
      },
      {
        measure: "submission: 202s in s (accepted/s)",
        value: Number.isFinite(submitted) ? `${load.ok.toLocaleString("en-US")} in ${fmt(submitted)} s (${fmt(load.ok / submitted)}/s)` : `${load.ok.toLocaleString("en-US")} accepted before the stop`,
      },
      { measure: "runs finished per second, overall", value: fmt(done / elapsed) },
      ...(complete ? [] : [{ measure: `projected time for all ${RUNS.toLocaleString("en-US")} at that rate, s`, value: fmt(RUNS / (done / elapsed)) }]),
      { measure: "failed runs; 503s retried (admission: the account's queue full); other non-2xx or errors", value: `${failed}; ${load.refused}; ${load.failed}` },
      { measure: "server CPU during the bulk", value: formatCpu(cpu) },
      { measure: "peak RSS of the server (VmHWM), MB", value: fmt(server.peakRssMb()) },
    ],
  };
}

mainFigure(import.meta.url, () => measureBulk());
