import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { RepriseInfo, RepriseServeOptions } from "../serve-reprise.ts";
import { startChild, type ChildOptions, type ServerChild } from "./child.ts";
import { runLoad, type LoadResult } from "./load.ts";

/** A Reprise server child plus whatever must be cleaned after it. */
export type RepriseChild = ServerChild<RepriseInfo>;

/** Local PostgreSQL for the benchmarks (BENCH_DATABASE_URL, else DATABASE_URL, else the documented local one). */
export const BENCH_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://reprise:reprise@127.0.0.1:5432/reprise";

const cleanups: (() => Promise<void> | void)[] = [];

/**
 * Starts a Reprise child. An embedded store gets a fresh data directory (removed by {@link cleanUp}),
 * created and migrated by a short-lived process first, so the server reopens it as a restart would.
 */
export async function startReprise(options: Partial<RepriseServeOptions> = {}, child: ChildOptions = {}): Promise<RepriseChild> {
  const serve: RepriseServeOptions = { store: "file", ...options };
  if (serve.store === "file" && !serve.dataDir) serve.dataDir = prepareDataDir();
  const server = await startChild<RepriseInfo>("serve-reprise.ts", { ...child, options: serve });
  cleanups.unshift(() => server.stop());
  return server;
}

/** A fresh, migrated PGlite data directory (removed by {@link cleanUp}). */
export function prepareDataDir(): string {
  const root = mkdtempSync(join(tmpdir(), "reprise-bench-"));
  const dataDir = join(root, "data");
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const prepare = fileURLToPath(new URL("../prepare-store.ts", import.meta.url));
  execFileSync(process.execPath, [prepare, dataDir], { stdio: "inherit" });
  return dataDir;
}

/** Creates a fresh schema on the benchmark PostgreSQL (dropped by {@link cleanUp}); null when unreachable. */
export async function createBenchSchema(label: string): Promise<string | null> {
  const admin = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const schema = `bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  cleanups.push(async () => {
    const dropper = new pg.Client({ connectionString: BENCH_DATABASE_URL });
    await dropper.connect();
    await dropper.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dropper.end();
  });
  return schema;
}

/** Registers something to undo at the end (servers first, then directories and schemas). */
export function onCleanUp(fn: () => Promise<void> | void): void {
  cleanups.unshift(fn);
}

/** Stops every server started here and removes data directories and schemas. */
export async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.shift() as () => Promise<void> | void;
    await Promise.resolve()
      .then(fn)
      .catch((err: unknown) => console.error("cleanup:", err));
  }
}

/** Authorization and target URL of the GET-run and rerun requests of a seeded server. */
export function runRequests(info: RepriseInfo) {
  const headers = { authorization: `Bearer ${info.token}` };
  return {
    getRun: { url: `${info.altostratUrl}/workflows/runs/${info.runId}`, headers },
    rerun: { url: `${info.altostratUrl}/workflows/runs/${info.runId}/rerun`, method: "POST" as const, headers },
  };
}

/** Polls the servers' backlog (pending + running runs) until it is 0 or `timeoutMs` passes; returns ms waited. */
export async function waitForBacklog(servers: RepriseChild[], timeoutMs = 20_000): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const backlog = await (servers[0] as RepriseChild).request<number>("backlog");
    if (backlog === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - t0;
}

/** What PostgreSQL has done for the benchmark database so far (pg_stat_database; flushed by each backend within about a second). */
export interface PgActivity {
  transactions: number;
  rowsFetched: number;
  rowsWritten: number;
}

/** Reads the benchmark database's activity counters; null when PostgreSQL is unreachable. */
export async function readPgActivity(): Promise<PgActivity | null> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch {
    return null;
  }
  try {
    const { rows } = await client.query<{ t: string; f: string; w: string }>(
      `SELECT xact_commit + xact_rollback AS t, tup_fetched AS f, tup_inserted + tup_updated + tup_deleted AS w
         FROM pg_stat_database WHERE datname = current_database()`,
    );
    const row = rows[0];
    return row ? { transactions: Number(row.t), rowsFetched: Number(row.f), rowsWritten: Number(row.w) } : null;
  } finally {
    await client.end();
  }
}

/**
 * The rerun rate a server sustains end to end: reruns accepted by 32 connections over `seconds`,
 * divided by the time until every one of them was executed (the load, then the drain of its backlog).
 * Accepting is cheaper than executing, so the accepted rate alone overstates what the server keeps up with.
 */
export async function measureSustainedReruns(server: RepriseChild, seconds: number): Promise<{ accepted: LoadResult; drainS: number; sustainedPerSec: number }> {
  await waitForBacklog([server], 60_000);
  const accepted = await runLoad({ ...runRequests(server.info).rerun, durationS: seconds });
  const drainS = (await waitForBacklog([server], 120_000)) / 1000;
  return { accepted, drainS, sustainedPerSec: accepted.ok / (accepted.durationS + drainS) };
}
