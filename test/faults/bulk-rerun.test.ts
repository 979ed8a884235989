import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send } from "./support/api.ts";
import { pollUntil } from "./support/checks.ts";
import { createFaultDatabase, SKIP_REASON, type FaultDatabase } from "./support/database.ts";
import { fleetEnv, startServerProcess, type ServerProcess } from "./support/fleet.ts";
import { tearDown } from "./support/teardown.ts";
import { seedWorld, type World } from "./support/world.ts";
import { seedRuns } from "../core/support/seed-runs.ts";

const SOURCES = 2_000;
/** Runs queued per second: the job takes about ten seconds, so the kill lands mid-way. */
const RATE = 200;

describe.skipIf(SKIP_REASON)(`a bulk rerun job whose process is killed with SIGKILL${SKIP_REASON ? ` (${SKIP_REASON})` : ""}`, () => {
  let db: FaultDatabase;
  let fleet: ServerProcess[] = [];
  let world: World;

  beforeAll(async () => {
    db = await createFaultDatabase("bulkrerun");
    fleet.push(await startServerProcess(fleetEnv(db.url, { WORKER_CONCURRENCY: "8" })));
    world = await seedWorld(db.url);
  });
  afterAll(() => tearDown({ fleet, world, db }));

  it("is completed by another process: every source rerun once, none skipped", async () => {
    const wf = await world.addWorkflows({
      nodes: [
        { id: "start", type: "trigger" },
        { id: "done", type: "transform", config: { expression: "trigger.value" } },
      ],
      edges: [{ source: "start", target: "done" }],
    });
    const sources = await seedRuns(world.db, { accountId: world.tenant.accountId, workflowId: wf.altostrat, count: SOURCES, from: new Date(Date.now() - 3_600_000) });
    const [victim] = fleet as [ServerProcess];
    const started = await send(`${victim.altostratUrl}/workflows/${wf.altostrat}/runs/rerun`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${world.tenant.token}` },
      body: JSON.stringify({ rate_per_second: RATE }),
    });
    expect(started.status).toBe(202);
    const jobId = started.body!.id as string;
    const progress = async () => (await db.query<{ state: string; queued: number; matched: number }>("SELECT state, queued, matched FROM rerun_jobs WHERE id = $1", [jobId]))[0]!;

    // Kill the only process once a few pages are in, well before the last.
    await pollUntil(progress, (job) => job.queued >= RATE * 2, 20_000, 20);
    victim.child.kill("SIGKILL");
    expect((await victim.exited).signal).toBe("SIGKILL");
    const atKill = await progress();
    expect(atKill.state).toBe("running");
    expect(atKill.queued).toBeLessThan(SOURCES);

    // Another process, which never saw the request, takes the job up from its cursor.
    const survivor = await startServerProcess(fleetEnv(db.url, { WORKER_CONCURRENCY: "8" }));
    fleet.push(survivor);
    const done = await pollUntil(progress, (job) => job.state !== "running", 60_000, 100);
    expect(done).toMatchObject({ state: "completed", queued: SOURCES, matched: SOURCES });

    const reruns = await db.query<{ source: string; n: number }>(
      "SELECT rerun_of AS source, count(*)::int AS n FROM runs WHERE workflow_id = $1 AND rerun_of IS NOT NULL GROUP BY rerun_of",
      [wf.altostrat],
    );
    const bySource = new Map(reruns.map((r) => [r.source, r.n]));
    expect(bySource.size).toBe(SOURCES);
    expect([...bySource.values()].filter((n) => n !== 1)).toEqual([]);
    expect(sources.filter((id) => !bySource.has(id))).toEqual([]);
    console.log(`[faults] bulk rerun killed at ${atKill.queued}/${SOURCES} queued; another process completed it with each source rerun once`);
  }, 120_000);
});
