// Scale-out benchmark (not a test): runs/s through both HTTP APIs with 1 and with 3 Reprise
// processes on one PostgreSQL, and how long the others take to reclaim the runs of a process killed
// with SIGKILL. Each measurement gets a fresh database and fresh processes (test/faults/support/serve.ts).
// Run: DATABASE_URL=postgres://… node bench/scale-throughput.ts
//   BENCH_SECONDS=10 (load per measurement)  BENCH_CONNECTIONS=24 (in total, split over the processes)
//   BENCH_BACKLOG=3000 (runs queued before the processes start, for the workers-only rate)
//   BENCH_LEASE_SECONDS=10 (lease in the SIGKILL measurement; POLL_INTERVAL_MS stays at its default)
import { availableParallelism } from "node:os";
import autocannon from "autocannon";
import { altostrat, startedRunId } from "../test/faults/support/api.ts";
import { waitUntilFinal } from "../test/faults/support/checks.ts";
import { createFaultDatabase, DATABASE_URL } from "../test/faults/support/database.ts";
import { fleetEnv, startFleet, stopFleet } from "../test/faults/support/fleet.ts";
import { seedWorld } from "../test/faults/support/world.ts";
import { LINEAR } from "../test/support/workflows.ts";
import { measureReclaim } from "./scale-reclaim.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 24);
const LEASE_SECONDS = Number(process.env.BENCH_LEASE_SECONDS ?? 10);

/** What one fleet size achieved. */
interface Throughput {
  processes: number;
  /** Runs accepted per second (2xx answers of execute, rerun and Alloy run) while the load ran. */
  acceptedPerSec: number;
  /** Runs created and completed per second, from the first accepted to the last completed. */
  executedPerSec: number;
  refused: number;
  p50Ms: number;
  p99Ms: number;
  /** How long the queue took to empty once the load stopped. */
  drainMs: number;
  /** Runs/s the workers alone execute from a backlog queued before the processes start. */
  backlogPerSec: number;
}

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 3_000);

/** Workers only: a backlog queued while no process runs, then executed by `processes` processes. */
async function measureBacklog(processes: number): Promise<number> {
  const db = await createFaultDatabase(`backlog${processes}`);
  const world = await seedWorld(db.url);
  const wf = await world.addWorkflows(LINEAR);
  for (let i = 0; i < BACKLOG; i += 50) {
    const batch = Array.from({ length: Math.min(50, BACKLOG - i) }, (_, j) => ({ i: i + j }));
    await Promise.all(batch.map((payload) => world.engine.executeWorkflow({ accountId: world.tenant.accountId, workflowId: wf.altostrat, payload })));
  }
  const fleet = await startFleet(processes, fleetEnv(db.url, { NODE_ENV: "production", POLL_INTERVAL_MS: "1000", LEASE_SECONDS: "30" }));
  try {
    await waitUntilFinal(db, undefined, 300_000);
    const [span] = await db.query<{ n: number; ms: number }>(
      `SELECT count(*)::int AS n, (extract(epoch FROM max(completed_at) - min(started_at)) * 1000)::float8 AS ms FROM runs WHERE status = 'completed'`,
    );
    return span!.n / (span!.ms / 1000);
  } finally {
    await stopFleet(fleet);
    await world.close();
    await db.drop();
  }
}

/** Production settings (no response validation), default poll and lease; `processes` on a fresh database. */
async function measureThroughput(processes: number): Promise<Omit<Throughput, "backlogPerSec">> {
  const db = await createFaultDatabase(`scale${processes}`);
  const fleet = await startFleet(processes, fleetEnv(db.url, { NODE_ENV: "production", POLL_INTERVAL_MS: "1000", LEASE_SECONDS: "30" }));
  const world = await seedWorld(db.url);
  try {
    const wf = await world.addWorkflows(LINEAR);
    const source = startedRunId(await altostrat.execute(fleet[0]!.altostratUrl, world.tenant, wf.altostrat, { i: 0 }))!;
    await waitUntilFinal(db, [source], 10_000);
    const altostratHeaders = { "content-type": "application/json", authorization: `Bearer ${world.tenant.token}` };
    const alloyHeaders = { "content-type": "application/json", authorization: `bearer ${world.tenant.apiKey}`, "x-api-version": "2025-09" };
    const connections = Math.max(1, Math.round(CONNECTIONS / (processes * 2)));
    const loadStart = new Date();
    // Per process: Altostrat reruns and executes on one listener, Alloy runs on the other.
    const results = await Promise.all(
      fleet.flatMap((server) => [
        autocannon({
          url: server.altostratUrl,
          connections,
          duration: SECONDS,
          requests: [
            { method: "POST", path: `/workflows/runs/${source}/rerun`, headers: altostratHeaders },
            { method: "POST", path: `/workflows/${wf.altostrat}/execute`, headers: altostratHeaders, body: JSON.stringify({ context: { i: 1 } }) },
          ],
        }),
        autocannon({
          url: server.alloyUrl,
          connections,
          duration: SECONDS,
          requests: [{ method: "POST", path: "/run/workflow", headers: alloyHeaders, body: JSON.stringify({ workflowId: wf.alloy, userId: "bench", data: { i: 2 } }) }],
        }),
      ]),
    );
    const drainMs = await waitUntilFinal(db, undefined, 300_000);
    const [span] = await db.query<{ n: number; ms: number }>(
      `SELECT count(*)::int AS n, (extract(epoch FROM max(completed_at) - min(created_at)) * 1000)::float8 AS ms
       FROM runs WHERE created_at >= $1 AND status = 'completed'`,
      [loadStart],
    );
    const accepted = results.reduce((sum, r) => sum + r["2xx"], 0);
    const weighted = (pick: (r: (typeof results)[number]) => number) =>
      results.reduce((sum, r) => sum + pick(r) * r.requests.total, 0) / Math.max(1, results.reduce((sum, r) => sum + r.requests.total, 0));
    return {
      processes,
      acceptedPerSec: accepted / SECONDS,
      executedPerSec: span!.n / (span!.ms / 1000),
      refused: results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
      p50Ms: weighted((r) => r.latency.p50),
      p99Ms: Math.max(...results.map((r) => r.latency.p99)),
      drainMs,
    };
  } finally {
    await stopFleet(fleet);
    await world.close();
    await db.drop();
  }
}

if (!DATABASE_URL) {
  process.stderr.write("scale-throughput needs DATABASE_URL (a PostgreSQL the role may CREATE DATABASE on)\n");
  process.exit(2);
}
process.stdout.write(`machine: ${availableParallelism()} CPUs shared by the servers, PostgreSQL and the load generator; ${SECONDS} s of load, ${CONNECTIONS} connections\n`);
const rows: Throughput[] = [];
for (const processes of [1, 3]) {
  const row = { ...(await measureThroughput(processes)), backlogPerSec: await measureBacklog(processes) };
  rows.push(row);
  process.stdout.write(`${JSON.stringify(row)}\n`);
}
const reclaim = await measureReclaim({ leaseSeconds: LEASE_SECONDS });
process.stdout.write(`${JSON.stringify(reclaim)}\n\n`);
process.stdout.write(
  "| processes | runs accepted/s | runs executed/s | refused | p50 ms | p99 ms | drain after load | backlog executed/s (workers only) |\n|---|---|---|---|---|---|---|---|\n",
);
for (const r of rows) {
  process.stdout.write(
    `| ${r.processes} | ${r.acceptedPerSec.toFixed(0)} | ${r.executedPerSec.toFixed(0)} | ${r.refused} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(0)} | ${r.drainMs} ms | ${r.backlogPerSec.toFixed(0)} |\n`,
  );
}
process.stdout.write(
  `\nSIGKILL of 1 of 3 processes holding ${reclaim.orphans} runs (LEASE_SECONDS=${reclaim.leaseSeconds}, POLL_INTERVAL_MS=1000): ` +
    `reclaimed after ${reclaim.reclaimMs} ms, completed after ${reclaim.completeMs} ms\n`,
);
