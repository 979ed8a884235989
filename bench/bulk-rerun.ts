// Bulk rerun: one job reruns N finished runs (default 10,000) of the three-node workflow, in this
// process, on the embedded store (PostgreSQL when DATABASE_URL is set). Measures the runs the job
// queues per second (job created → job completed, its reruns not executed) and the process's RSS.
// Run: npm run bench:bulk-rerun   (BENCH_BULK_RERUN_RUNS, BENCH_BULK_RERUN_RATE, BENCH_BULK_RERUN_PAGE to change)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine } from "../src/core/index.ts";
import { openStore } from "../src/store/index.ts";
import { mainFigure } from "./lib/figure.ts";
import type { Figure } from "./lib/report.ts";
import { THREE_NODE_WORKFLOW } from "./lib/seed.ts";
import { fmt } from "./lib/stats.ts";

const mb = (bytes: number) => bytes / 1024 / 1024;

/** Seeds N finished runs through the engine, then times one bulk rerun job over all of them. */
export async function measureBulkRerun(): Promise<Figure> {
  const RUNS = Number(process.env.BENCH_BULK_RERUN_RUNS ?? 10_000);
  const RATE = Number(process.env.BENCH_BULK_RERUN_RATE ?? 10_000);
  const PAGE = Number(process.env.BENCH_BULK_RERUN_PAGE ?? 500);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const dataDir = databaseUrl ? undefined : mkdtempSync(join(tmpdir(), "reprise-bench-bulk-rerun-"));
  const db = await openStore(databaseUrl ? { databaseUrl, poolSize: 4 } : { dataDir: dataDir! });
  const engine = createEngine({ db, config: { rerunJobMaxRate: RATE, rerunJobPageSize: PAGE } });
  try {
    const account = await engine.createAccount({ name: "bench bulk rerun" });
    const wf = await engine.createWorkflow({ accountId: account.id, idStyle: "altostrat", name: "bench-bulk-rerun", definition: THREE_NODE_WORKFLOW });
    const seedStart = performance.now();
    for (let i = 0; i < RUNS; i += 500) {
      const chunk = Array.from({ length: Math.min(500, RUNS - i) }, (_, j) =>
        engine.executeWorkflow({ accountId: account.id, workflowId: wf.id, payload: { order: `B-${i + j}`, qty: 3, price: 42.5 } }),
      );
      await Promise.all(chunk);
    }
    const worker = engine.createWorker({ concurrency: 32, accountMaxRunning: null });
    await worker.drain();
    const seedS = (performance.now() - seedStart) / 1000;
    const rssBefore = mb(process.memoryUsage.rss());

    // The job alone: no worker runs while it queues, so the figure is the queueing rate.
    const runner = engine.startRerunJobRunner({ pollIntervalMs: 50 });
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, mb(process.memoryUsage.rss()))), 25);
    const t0 = performance.now();
    const { job } = await engine.createRerunJob({ accountId: account.id, workflowId: wf.id, ratePerSecond: RATE });
    let current = job;
    while (current.state === "pending" || current.state === "running") {
      await new Promise((resolve) => setTimeout(resolve, 20));
      current = await engine.getRerunJob({ accountId: account.id, jobId: job.id });
    }
    const elapsed = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    await runner.stop();
    return {
      id: "12-bulk-rerun",
      title: `13. Bulk rerun: one job over ${RUNS.toLocaleString("en-US")} finished runs (${databaseUrl ? "PostgreSQL" : "embedded store"})`,
      command: "npm run bench:bulk-rerun",
      inputs: {
        job: `rate_per_second ${RATE} (server maximum raised to it), pages of at most ${PAGE} sources, one transaction each; no worker runs during the job`,
        seed: `${RUNS.toLocaleString("en-US")} executions of the three-node workflow, executed by a 32-slot worker in ${fmt(seedS)} s`,
      },
      rows: [
        { measure: "job state; matched / queued / skipped / failed", value: `${current.state}; ${current.matched} / ${current.queued} / ${current.skipped} / ${current.failed}` },
        { measure: "job created → completed, s", value: fmt(elapsed) },
        { measure: "runs queued per second", value: fmt(current.queued / elapsed) },
        { measure: "RSS before the job, MB", value: fmt(rssBefore) },
        { measure: "peak RSS during the job (sampled every 25 ms), MB", value: fmt(peakRss) },
        { measure: "peak RSS of the process (maxRSS, seeding included), MB", value: fmt(process.resourceUsage().maxRSS / 1024) },
      ],
    };
  } finally {
    await engine.close();
    await db.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await mainFigure(import.meta.url, measureBulkRerun);
