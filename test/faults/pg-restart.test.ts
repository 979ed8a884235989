import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alloy, altostrat, runBounded, send, startedRunId, type Answer } from "./support/api.ts";
import { findDuplicateLogs, pollUntil, readRuns, sleep, waitUntilFinal } from "./support/checks.ts";
import { createFaultDatabase, DATABASE_URL, SKIP_REASON, type FaultDatabase } from "./support/database.ts";
import { fleetEnv, startFleet, type ServerProcess } from "./support/fleet.ts";
import { findClusterControl } from "./support/pg-cluster.ts";
import { startTarget, type Target } from "./support/target.ts";
import { tearDown } from "./support/teardown.ts";
import { callsTarget, seedWorld, type World } from "./support/world.ts";

const cluster = findClusterControl(DATABASE_URL);
const skip = SKIP_REASON ?? (cluster.reason ? `skipped: ${cluster.reason}` : undefined);
const RUNS = 90;
/** How long PostgreSQL stays down: long enough for the workers to back off and the listeners to retry. */
const DOWN_MS = 3_000;

describe.skipIf(skip)(`PostgreSQL restarted under three server processes${skip ? ` (${skip})` : ""}`, () => {
  let db: FaultDatabase;
  let fleet: ServerProcess[] = [];
  let world: World;
  let target: Target;
  let stopped = false;

  beforeAll(async () => {
    [db, target] = await Promise.all([createFaultDatabase("restart"), startTarget({ delayMs: 300 })]);
    fleet = await startFleet(3, fleetEnv(db.url, { LEASE_SECONDS: "2", WORKER_CONCURRENCY: "4" }));
    world = await seedWorld(db.url);
  });
  afterAll(async () => {
    if (stopped && !cluster.control!.isOnline()) cluster.control!.start(); // never leave the machine without its database
    await tearDown({ fleet, world, target, db });
  });

  it("answers 503 with Retry-After in each API's error shape while it is down, never hangs, recovers without a restart and loses no accepted run", async (ctx) => {
    const control = cluster.control!;
    // On a shared development machine the stop would break whoever else uses this server (CI has no one).
    const others = await pollUntil(() => otherSessions(db), (list) => list.length === 0, 15_000, 500).catch(() => undefined);
    if (!others) return ctx.skip(`skipped: other sessions use PostgreSQL ${control.name} (${(await otherSessions(db)).join(", ")}); stopping it would break them`);
    const wf = await world.addWorkflows(callsTarget(target.base, "work"));
    const unusedKey = await world.newApiKey(); // no process has looked it up yet
    const answers = await runBounded(RUNS, 9, (i) => {
      const server = fleet[i % 3]!;
      return i % 2 === 0
        ? altostrat.execute(server.altostratUrl, world.tenant, wf.altostrat, { i })
        : alloy.run(server.alloyUrl, world.tenant, wf.alloy, { i });
    });
    const accepted = answers.map(startedRunId) as string[];
    expect(accepted.every(Boolean)).toBe(true);
    await pollUntil(() => db.query("SELECT id FROM runs WHERE status = 'running'"), (rows) => rows.length >= 3, 10_000, 10);

    control.stop();
    stopped = true;
    const downAt = Date.now();
    // Two rounds: as the pools lose their connections, and once they have been failing for a while.
    const probe = () => Promise.all(fleet.map((server) => probeWhileDown(server, world, wf, unusedKey, accepted[0]!)));
    const probes = await probe();
    await sleep(DOWN_MS - (Date.now() - downAt));
    probes.push(...(await probe()));
    const downMs = Date.now() - downAt;
    control.start();
    const upAt = Date.now();

    // Every probe is asserted by its status: a request that hung would have been aborted by the
    // client (status 0), so no timing is asserted; the slowest answer is only reported below.
    for (const probe of probes) {
      expect(probe.healthz.status).toBe(200);
      for (const answer of [probe.altostratReady, probe.alloyReady]) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get("retry-after")).toBe("2");
      }
      for (const answer of [probe.execute, probe.getRun]) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get("retry-after")).toBe("2");
        expect(answer.body).toMatchObject({ type: "api_error", code: "store_unavailable", message: expect.any(String), doc_url: expect.any(String) });
      }
      for (const answer of [probe.alloyRun, probe.alloyUnknownKey]) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get("retry-after")).toBe("2");
        expect(answer.body).toMatchObject({ code: "store_unavailable", message: expect.any(String), requestId: expect.any(String) });
      }
    }

    // Back: every process is ready again and serves both APIs, without being restarted.
    const readyMs = await Promise.all(
      fleet.map(async (server) => {
        await pollUntil(() => send(`${server.altostratUrl}/readyz`, {}, 3_000), (a) => a.status === 200, 30_000, 100);
        return Date.now() - upAt;
      }),
    );
    const after = await Promise.all(fleet.map((server, k) => altostrat.execute(server.altostratUrl, world.tenant, wf.altostrat, { i: 1_000 + k })));
    expect(after.map((a) => a.status)).toEqual([202, 202, 202]);
    expect((await alloy.run(fleet[0]!.alloyUrl, world.tenant, wf.alloy, { i: 2_000 }, unusedKey)).status).toBe(200);
    expect(fleet.every((server) => server.child.exitCode === null)).toBe(true);
    // Each process's LISTEN connection came back too.
    await pollUntil(() => countListeners(db), (n) => n === fleet.length, 15_000, 200);

    // Nothing accepted before the outage is lost; runs caught mid-way were reclaimed after their lease.
    await waitUntilFinal(db, [...accepted, ...(after.map(startedRunId) as string[])], 30_000);
    const runs = (await readRuns(db)).filter((r) => accepted.includes(r.id));
    expect(runs).toHaveLength(RUNS);
    expect(runs.filter((r) => r.status !== "completed")).toEqual([]);
    expect(await findDuplicateLogs(db)).toEqual([]);
    const slowest = Math.max(...probes.flatMap((p) => Object.values(p).map((a) => a.ms)));
    console.log(
      `[faults] PostgreSQL ${control.name} down for ${downMs} ms: every request answered 503 within ${Math.ceil(slowest)} ms; ` +
        `processes ready ${readyMs.join(" / ")} ms after it started; ${runs.filter((r) => r.attempts > 1).length} of ${RUNS} runs were reclaimed`,
    );
  });
});

type Probe = Record<"healthz" | "altostratReady" | "alloyReady" | "execute" | "getRun" | "alloyRun" | "alloyUnknownKey", Answer>;

/** Every kind of request one process gets while the database is down (after a moment for connections to drop). */
async function probeWhileDown(server: ServerProcess, world: World, wf: { altostrat: string; alloy: string }, unusedKey: string, runId: string): Promise<Probe> {
  await sleep(300);
  const { tenant } = world;
  const [healthz, altostratReady, alloyReady, execute, getRun, alloyRun, alloyUnknownKey] = await Promise.all([
    send(`${server.altostratUrl}/healthz`),
    send(`${server.altostratUrl}/readyz`),
    send(`${server.alloyUrl}/readyz`),
    altostrat.execute(server.altostratUrl, tenant, wf.altostrat, { i: -1 }),
    altostrat.getRun(server.altostratUrl, tenant, runId),
    alloy.run(server.alloyUrl, tenant, wf.alloy, { i: -2 }),
    alloy.run(server.alloyUrl, tenant, wf.alloy, { i: -3 }, unusedKey),
  ]);
  return { healthz, altostratReady, alloyReady, execute, getRun, alloyRun, alloyUnknownKey };
}

/** Client sessions on the server other than this test's database (the fleet's and the test's own). */
async function otherSessions(db: FaultDatabase): Promise<string[]> {
  const rows = await db.query<{ who: string }>(
    `SELECT coalesce(datname, '?') || ' (' || coalesce(nullif(application_name, ''), 'unnamed') || ')' AS who FROM pg_stat_activity
     WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname IS DISTINCT FROM current_database()`,
  );
  return rows.map((r) => r.who);
}

async function countListeners(db: FaultDatabase): Promise<number> {
  const rows = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'reprise' AND query ILIKE 'LISTEN%'",
  );
  return rows[0]?.n ?? 0;
}
