// Reclaim after SIGKILL, for bench/scale-throughput.ts: three processes share slow runs, one is
// killed while it holds some, and we time how long until the others have taken every one of them over.
import { alloy, altostrat, runBounded, startedRunId } from "../test/faults/support/api.ts";
import { pollUntil, waitUntilFinal } from "../test/faults/support/checks.ts";
import { createFaultDatabase, type FaultDatabase } from "../test/faults/support/database.ts";
import { fleetEnv, startFleet, stopFleet } from "../test/faults/support/fleet.ts";
import { startTarget } from "../test/faults/support/target.ts";
import { callsTarget, seedWorld } from "../test/faults/support/world.ts";

/** How long the survivors needed, counted from the kill. */
export interface Reclaim {
  leaseSeconds: number;
  /** Runs the killed process held. */
  orphans: number;
  /** Until every orphan had a new owner. */
  reclaimMs: number;
  /** Until every orphan was completed. */
  completeMs: number;
}

/** Kills one of three processes with SIGKILL while it executes runs whose one node takes 300 ms. */
export async function measureReclaim(options: { leaseSeconds: number; runs?: number }): Promise<Reclaim> {
  const [db, target] = await Promise.all([createFaultDatabase("reclaim"), startTarget({ delayMs: 300 })]);
  const fleet = await startFleet(3, fleetEnv(db.url, { NODE_ENV: "production", POLL_INTERVAL_MS: "1000", LEASE_SECONDS: String(options.leaseSeconds) }));
  const world = await seedWorld(db.url);
  try {
    const wf = await world.addWorkflows(callsTarget(target.base, "work"));
    const answers = await runBounded(options.runs ?? 120, 12, (i) =>
      i % 2 === 0
        ? altostrat.execute(fleet[i % 3]!.altostratUrl, world.tenant, wf.altostrat, { i })
        : alloy.run(fleet[i % 3]!.alloyUrl, world.tenant, wf.alloy, { i }),
    );
    const victim = fleet[0]!;
    await pollUntil(() => heldBy(db, victim.workerId), (ids) => ids.length >= 4, 15_000, 10);
    victim.child.kill("SIGKILL");
    const killedAt = Date.now();
    await victim.exited;
    const orphans = await heldBy(db, victim.workerId);
    await pollUntil(
      () => db.query("SELECT id FROM runs WHERE id = ANY($1::text[]) AND lease_owner IS DISTINCT FROM $2", [orphans, victim.workerId]),
      (rows) => rows.length === orphans.length,
      options.leaseSeconds * 1000 + 30_000,
      20,
    );
    const reclaimMs = Date.now() - killedAt;
    await waitUntilFinal(db, orphans, 30_000);
    const completeMs = Date.now() - killedAt;
    await waitUntilFinal(db, answers.map(startedRunId) as string[], 60_000);
    return { leaseSeconds: options.leaseSeconds, orphans: orphans.length, reclaimMs, completeMs };
  } finally {
    await stopFleet(fleet);
    await world.close();
    await target.close();
    await db.drop();
  }
}

async function heldBy(db: FaultDatabase, workerId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>("SELECT id FROM runs WHERE status = 'running' AND lease_owner = $1", [workerId]);
  return rows.map((r) => r.id);
}
