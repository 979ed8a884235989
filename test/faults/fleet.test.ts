import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINEAR } from "../support/workflows.ts";
import { alloy, altostrat, runBounded, startedRunId, type Answer } from "./support/api.ts";
import { countBy, findDuplicateLogs, readRuns, waitUntilFinal } from "./support/checks.ts";
import { createFaultDatabase, SKIP_REASON, type FaultDatabase } from "./support/database.ts";
import { fleetEnv, startFleet, type ServerProcess } from "./support/fleet.ts";
import { tearDown } from "./support/teardown.ts";
import { seedWorld, type World } from "./support/world.ts";

const RUNS = 2_000;
const IN_FLIGHT = 32;

describe.skipIf(SKIP_REASON)(`three server processes on one PostgreSQL${SKIP_REASON ? ` (${SKIP_REASON})` : ""}`, () => {
  let db: FaultDatabase;
  let fleet: ServerProcess[] = [];
  let world: World;
  let wf: { altostrat: string; alloy: string };

  beforeAll(async () => {
    db = await createFaultDatabase("fleet");
    // Three processes start at once on an empty database: they migrate it concurrently. The lease is
    // the default's: this test is about normal operation, and on a loaded machine a 2 s lease expires
    // under a process that is merely slow (reclaims are the SIGKILL test's subject).
    fleet = await startFleet(3, fleetEnv(db.url, { LEASE_SECONDS: "30" }));
    world = await seedWorld(db.url);
    wf = await world.addWorkflows(LINEAR);
  });
  afterAll(() => tearDown({ fleet, world, db }));

  it("migrated the fresh database once although three processes started on it at once", async () => {
    const rows = await db.query<{ version: number; n: number }>("SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version");
    expect(rows.map((r) => r.n)).toEqual(rows.map(() => 1));
    expect(rows.map((r) => r.version)).toEqual(rows.map((_, i) => i + 1));
  });

  it("2,000 runs started through both APIs on all three processes each reach a final state exactly once, spread over the processes", async () => {
    const { tenant } = world;
    // Completed runs of each API to rerun.
    const sources = await Promise.all([
      ...[0, 1, 2].map((i) => altostrat.execute(fleet[i]!.altostratUrl, tenant, wf.altostrat, { i: -1 - i })),
      ...[0, 1, 2].map((i) => alloy.run(fleet[i]!.alloyUrl, tenant, wf.alloy, { i: -10 - i })),
    ]);
    const sourceIds = sources.map(startedRunId) as string[];
    expect(sourceIds.every(Boolean)).toBe(true);
    await waitUntilFinal(db, sourceIds, 15_000);

    const started = performance.now();
    const answers = await runBounded(RUNS, IN_FLIGHT, (i): Promise<Answer> => {
      const server = fleet[i % 3]!;
      switch (Math.floor(i / 3) % 4) {
        case 0:
          return altostrat.execute(server.altostratUrl, tenant, wf.altostrat, { i });
        case 1:
          return altostrat.rerun(server.altostratUrl, tenant, sourceIds[i % 3]!);
        case 2:
          return alloy.run(server.alloyUrl, tenant, wf.alloy, { i });
        default:
          return alloy.rerun(server.alloyUrl, tenant, wf.alloy, sourceIds[3 + (i % 3)]!);
      }
    });
    const acceptedMs = performance.now() - started;
    const refused = answers.filter((a) => startedRunId(a) === undefined);
    expect(refused.map((a) => `${a.status} ${JSON.stringify(a.body)} ${a.error ?? ""}`)).toEqual([]);
    const accepted = answers.map(startedRunId) as string[];
    expect(new Set(accepted).size).toBe(RUNS);

    const drainMs = await waitUntilFinal(db, accepted, 90_000);
    const acceptedSet = new Set(accepted);
    const runs = (await readRuns(db)).filter((r) => acceptedSet.has(r.id));
    expect(runs).toHaveLength(RUNS);
    expect(countBy(runs, (r) => r.status)).toEqual([["completed", RUNS]]);
    // Exactly once: one claim each, one success log per node, no node logged twice anywhere.
    expect(runs.filter((r) => r.attempts !== 1 || r.logs !== LINEAR.nodes.length)).toEqual([]);
    expect(await findDuplicateLogs(db)).toEqual([]);

    const byWorker = countBy(runs, (r) => r.executed_by);
    expect(byWorker.map(([id]) => id).sort()).toEqual(fleet.map((s) => s.workerId).sort());
    for (const [, n] of byWorker) expect(n).toBeGreaterThan(RUNS * 0.1);
    const seconds = (acceptedMs + drainMs) / 1000;
    console.log(
      `[faults] ${RUNS} runs through 3 processes: accepted in ${(acceptedMs / 1000).toFixed(1)} s, all final ${(drainMs / 1000).toFixed(1)} s later ` +
        `(${(RUNS / seconds).toFixed(0)} runs/s end to end); executed per process: ${byWorker.map(([, n]) => n).join(" / ")}`,
    );
  });

  it("the same Idempotency-Key sent to all three processes at once creates one run", async () => {
    const { tenant } = world;
    const source = startedRunId(await altostrat.execute(fleet[0]!.altostratUrl, tenant, wf.altostrat, { i: -100 }))!;
    await waitUntilFinal(db, [source], 10_000);
    const keys = Array.from({ length: 15 }, (_, k) => `fault-key-${k}-${Math.random().toString(36).slice(2, 8)}`);
    const rounds = await Promise.all(
      keys.map((key, k) =>
        Promise.all(
          fleet.map((server) =>
            k % 3 === 2
              ? altostrat.rerun(server.altostratUrl, tenant, source, key)
              : altostrat.execute(server.altostratUrl, tenant, wf.altostrat, { i: 1_000 + k, key }, key),
          ),
        ),
      ),
    );
    for (const [k, answers] of rounds.entries()) {
      expect(answers.map((a) => a.status), `key ${keys[k]}`).toEqual([202, 202, 202]);
      expect(new Set(answers.map(startedRunId)).size, `key ${keys[k]}`).toBe(1);
    }
    const created = new Set(rounds.map((answers) => startedRunId(answers[0]!)));
    expect(created.size).toBe(keys.length);
    const [executes] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM runs WHERE trigger_payload->>'key' = ANY($1::text[])",
      [keys.filter((_, k) => k % 3 !== 2)],
    );
    const [reruns] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM runs WHERE rerun_of = $1", [source]);
    expect(executes!.n).toBe(10);
    expect(reruns!.n).toBe(5);
  });
});
