// Engine throughput: committed runs/s, runs executed/s, and enqueue-to-start latency on PGlite
// (file-backed) and, when DATABASE_URL is set, on PostgreSQL; plus RSS with an open PGlite store.
// Run: node bench/engine-throughput.ts   (BENCH_RUNS=2000 to change the sample size)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createEngine, type Engine, type WorkerEvent } from "../src/core/index.ts";
import { migrate, openPglite, openPostgres, type Db } from "../src/store/index.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 1000);
const LATENCY_SAMPLES = 300;
const DATABASE_URL = process.env.DATABASE_URL;

const QUICK = {
  nodes: [
    { id: "start", type: "trigger" },
    { id: "t", type: "transform", config: { expression: "trigger.i * 2" } },
  ],
  edges: [{ source: "start", target: "t" }],
};

interface Result {
  store: string;
  commitsPerSec: number;
  parallelCommitsPerSec: number;
  executedPerSec: number;
  p50: number;
  p99: number;
}

async function measure(name: string, db: Db): Promise<Result> {
  const engine = createEngine({ db });
  const accountId = (await engine.createAccount({ name: "bench" })).id;
  const wf = await engine.createWorkflow({ accountId, idStyle: "altostrat", name: "quick", definition: QUICK });

  // 1. Committed run inserts, one transaction each (what an execute/rerun request costs).
  let t0 = performance.now();
  for (let i = 0; i < RUNS; i++) await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { i } });
  const commitsPerSec = RUNS / ((performance.now() - t0) / 1000);

  // 2. The same with 16 requests in flight at once (as an HTTP server would issue them).
  t0 = performance.now();
  for (let i = 0; i < RUNS; i += 16) {
    await Promise.all(Array.from({ length: 16 }, (_, j) => engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { i: i + j } })));
  }
  const parallelCommitsPerSec = RUNS / ((performance.now() - t0) / 1000);

  // 3. Drain the 2×RUNS queued runs with 4 workers × concurrency 4.
  const executedPerSec = await drainWithWorkers(engine, 2 * RUNS);

  // 4. Enqueue-to-start latency: one run at a time into idle, listening workers.
  const { p50, p99 } = await measureLatency(engine, accountId, wf.id);
  return { store: name, commitsPerSec, parallelCommitsPerSec, executedPerSec, p50, p99 };
}

async function drainWithWorkers(engine: Engine, total: number): Promise<number> {
  let finished = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const onEvent = (e: WorkerEvent) => {
    if (e.type === "finished" && ++finished === total) resolveDone();
  };
  const t0 = performance.now();
  const workers = [1, 2, 3, 4].map(() => engine.createWorker({ concurrency: 4, pollIntervalMs: 100, onEvent }));
  await Promise.all(workers.map((w) => w.start()));
  await done;
  const perSec = total / ((performance.now() - t0) / 1000);
  await Promise.all(workers.map((w) => w.stop()));
  return perSec;
}

async function measureLatency(engine: Engine, accountId: string, workflowId: string): Promise<{ p50: number; p99: number }> {
  const enqueuedAt = new Map<string, number>();
  const latencies: number[] = [];
  let waiting: (() => void) | undefined;
  const onEvent = (e: WorkerEvent) => {
    if (e.type !== "claimed") return;
    const start = enqueuedAt.get(e.run.id);
    if (start !== undefined) latencies.push(performance.now() - start);
    waiting?.();
  };
  // A long poll interval: starts must come from LISTEN/NOTIFY, not from polling.
  const workers = [1, 2].map(() => engine.createWorker({ concurrency: 4, pollIntervalMs: 60_000, onEvent }));
  await Promise.all(workers.map((w) => w.start()));
  await new Promise((r) => setTimeout(r, 50));
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const claimed = new Promise<void>((r) => (waiting = r));
    const t = performance.now();
    const { run } = await engine.executeWorkflow({ accountId, workflowId, payload: { i } });
    // Measured from just before the request, so commit time counts: the caller's view.
    enqueuedAt.set(run.id, t);
    if (latencies.length <= i) await claimed;
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(workers.map((w) => w.stop()));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

async function main(): Promise<void> {
  const results: Result[] = [];
  const root = mkdtempSync(join(tmpdir(), "reprise-bench-"));
  const dataDir = join(root, "data");
  // First open creates the cluster (initdb); the measured store is a reopen, as a server restart is.
  const created = await openPglite({ dataDir });
  await migrate(created);
  await created.close();
  const rss = JSON.parse(
    execFileSync(process.execPath, [new URL("./engine-rss.ts", import.meta.url).pathname, dataDir], { encoding: "utf8" }),
  ) as { baseline: number; opened: number; withWorker: number };
  const t0 = performance.now();
  const pglite = await openPglite({ dataDir });
  const openMs = performance.now() - t0;
  results.push(await measure("PGlite (file)", pglite));
  const rssAfter = process.memoryUsage().rss;
  await pglite.close();
  rmSync(root, { recursive: true, force: true });

  if (DATABASE_URL) {
    const schema = `bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    try {
      const db = await openPostgres({ connectionString: DATABASE_URL, poolSize: 10, schema });
      await migrate(db);
      results.push(await measure("PostgreSQL 15 (pool 10)", db));
      await db.close();
    } finally {
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.end();
    }
  }

  console.log(`\nReprise engine throughput (${RUNS} runs per phase, Node ${process.version})\n`);
  console.log("| store | commits/s (serial) | commits/s (16 in flight) | runs executed/s (4×4 workers) | enqueue→start p50 | p99 |");
  console.log("|---|---|---|---|---|---|");
  for (const r of results) {
    console.log(
      `| ${r.store} | ${r.commitsPerSec.toFixed(0)} | ${r.parallelCommitsPerSec.toFixed(0)} | ${r.executedPerSec.toFixed(0)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms |`,
    );
  }
  console.log(`\nPGlite reopen of an existing data directory: ${openMs.toFixed(0)} ms.`);
  console.log(
    `RSS of a fresh process: ${mb(rss.baseline)} before opening, ${mb(rss.opened)} with the PGlite store open, ${mb(rss.withWorker)} with a worker started.`,
  );
  console.log(`RSS of this benchmark process after the PGlite workload (includes initdb): ${mb(rssAfter)}.`);
}

await main();
