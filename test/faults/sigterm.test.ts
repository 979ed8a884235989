import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { altostrat, runBounded, send, startedRunId } from "./support/api.ts";
import { findDuplicateLogs, pollUntil, readRuns, waitUntilFinal } from "./support/checks.ts";
import { createFaultDatabase, SKIP_REASON, type FaultDatabase } from "./support/database.ts";
import { fleetEnv, startFleet, type ServerProcess } from "./support/fleet.ts";
import { startTarget, type Target } from "./support/target.ts";
import { tearDown } from "./support/teardown.ts";
import { callsTarget, seedWorld, type World } from "./support/world.ts";

const DEADLINE_MS = 1_500;
// Long enough that a run given back at the deadline is visibly not waiting for its lease to expire.
const LEASE_SECONDS = 20;
const RUNS = 18;

describe.skipIf(SKIP_REASON)(`SIGTERM to one server process${SKIP_REASON ? ` (${SKIP_REASON})` : ""}`, () => {
  let db: FaultDatabase;
  let fleet: ServerProcess[] = [];
  let world: World;
  let target: Target;

  beforeAll(async () => {
    [db, target] = await Promise.all([createFaultDatabase("sigterm"), startTarget()]);
    const env = fleetEnv(db.url, { SHUTDOWN_DEADLINE_MS: String(DEADLINE_MS), LEASE_SECONDS: String(LEASE_SECONDS), WORKER_CONCURRENCY: "4" });
    fleet = await startFleet(3, env);
    world = await seedWorld(db.url);
  });
  afterAll(() => tearDown({ fleet, world, target, db }));

  it("stops accepting, finishes or releases its in-flight runs within SHUTDOWN_DEADLINE_MS, and exits 0", async () => {
    const wf = await world.addWorkflows(callsTarget(target.base, "hold"));
    const [victim, ...survivors] = fleet as [ServerProcess, ...ServerProcess[]];
    // Every call to /hold/<i> waits until the test answers it, so runs stay in flight.
    const answers = await runBounded(RUNS, 6, (i) => altostrat.execute(fleet[i % 3]!.altostratUrl, world.tenant, wf.altostrat, { i }));
    const accepted = answers.map(startedRunId) as string[];
    expect(accepted.every(Boolean)).toBe(true);
    const inFlight = await pollUntil(() => heldBy(db, victim.workerId), (runs) => runs.length >= 2 && runs.every((r) => target.held.has(`/hold/${r.i}`)), 10_000);
    // Half of the victim's runs get their answer before the deadline (they finish), half never (released).
    const finishing = inFlight.filter((_, k) => k % 2 === 0);
    const released = inFlight.filter((_, k) => k % 2 === 1);

    victim.child.kill("SIGTERM");
    const signalledAt = Date.now();
    // Once it closed its listeners (however long a loaded machine takes to deliver the signal)...
    await pollUntil(() => send(`${victim.altostratUrl}/healthz`, {}, 2_000), (a) => a.status === 0, 10_000);
    const refused = await altostrat.execute(victim.altostratUrl, world.tenant, wf.altostrat, { i: 999 }, undefined);
    expect(refused.status, "no new request is accepted once stopping").toBe(0);
    expect((await altostrat.execute(survivors[0]!.altostratUrl, world.tenant, wf.altostrat, { i: 100 })).status).toBe(202);
    target.answerHeld((path) => finishing.some((r) => path === `/hold/${r.i}`));

    const exit = await victim.exited;
    const stopMs = Date.now() - signalledAt;
    expect(exit).toEqual({ code: 0, signal: null }); // 0: it did not overrun (that exits 1)
    expect(stopMs).toBeGreaterThanOrEqual(DEADLINE_MS - 200); // it waited for the runs it could not finish

    // What was released is pending again at once, not after the 20 s lease: the survivors take it.
    const releasedAt = Date.now();
    target.stopHolding();
    await waitUntilFinal(db, [...accepted, ...released.map((r) => r.id)], 10_000);
    const takeoverMs = Date.now() - releasedAt;
    expect(takeoverMs).toBeLessThan(LEASE_SECONDS * 1000);

    const runs = await readRuns(db);
    const byId = new Map(runs.map((r) => [r.id, r]));
    expect(runs.filter((r) => r.status !== "completed")).toEqual([]);
    expect(await findDuplicateLogs(db)).toEqual([]);
    for (const run of finishing) expect(byId.get(run.id)).toMatchObject({ executed_by: victim.workerId, attempts: 1 });
    for (const run of released) {
      // A released run gave its attempt back: one claim counted, by a survivor.
      expect(byId.get(run.id)?.attempts).toBe(1);
      expect(survivors.map((s) => s.workerId)).toContain(byId.get(run.id)?.executed_by);
    }
    console.log(
      `[faults] SIGTERM with ${inFlight.length} runs in flight (SHUTDOWN_DEADLINE_MS=${DEADLINE_MS}): exited 0 after ${stopMs} ms; ` +
        `${finishing.length} finished by it, ${released.length} released and completed by the others ${takeoverMs} ms later`,
    );
  });
});

/** Runs a worker holds right now, with their trigger's `i`. */
async function heldBy(db: FaultDatabase, workerId: string): Promise<{ id: string; i: number }[]> {
  return db.query("SELECT id, (trigger_payload->>'i')::int AS i FROM runs WHERE status = 'running' AND lease_owner = $1 ORDER BY id", [workerId]);
}
