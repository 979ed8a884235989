import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine, WorkflowDefinition } from "../../../src/core/index.ts";
import { claimRuns, DEFAULT_ACCOUNT_MAX_RUNNING, type ClaimedRun, type Db } from "../../../src/store/index.ts";
import type { ManualClock } from "../../support/clock.ts";
import { storesUnderTest } from "../../support/stores.ts";
import { addWorkflow, newAccount, openTestEngine } from "../../support/engine.ts";

// A listener whose /hold/<tag>/… requests hang until the test lets them go: a run calling it stays
// running, so how many runs of each account execute at once can be read off the open requests.
let server: Server;
let base: string;
const open = new Map<string, ServerResponse[]>();
const peak = new Map<string, number>();
beforeAll(async () => {
  server = createServer((req, res) => {
    const tag = req.url!.split("/")[2]!;
    const list = [...(open.get(tag) ?? []), res];
    open.set(tag, list);
    peak.set(tag, Math.max(peak.get(tag) ?? 0, list.length));
    res.on("close", () => open.set(tag, (open.get(tag) ?? []).filter((r) => r !== res)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const list of open.values()) for (const res of list) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const holding = (tag: string): WorkflowDefinition => ({
  nodes: [
    { id: "start", type: "trigger" },
    { id: "call", type: "http_request", config: { method: "GET", url: `${base}/hold/${tag}/{{ trigger.i }}` } },
  ],
  edges: [{ source: "start", target: "call" }],
});
const held = (tag: string) => open.get(tag)?.length ?? 0;
/** Answers up to `n` of the requests `tag` holds (all by default). */
const release = (tag: string, n = Infinity) => {
  for (const res of (open.get(tag) ?? []).slice(0, n)) res.writeHead(200, { "content-type": "application/json" }).end("{}");
};

const QUICK: WorkflowDefinition = { nodes: [{ id: "start", type: "trigger" }], edges: [] };

describe.each(storesUnderTest())("fair share between accounts on $name", (store) => {
  let db: Db;
  let engine: Engine;
  let clock: ManualClock;
  beforeAll(async () => void ({ db, engine, clock } = await openTestEngine(store, { config: { leaseMs: 30_000, maxAttempts: 3 } })));
  afterAll(() => db.close());

  /** Queues `n` QUICK runs for a new account, one clock tick apart; returns the account and run ids. */
  const queue = async (n: number, accountId?: string) => {
    const account = accountId ?? (await newAccount(engine));
    const wf = await addWorkflow(engine, account, QUICK);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push((await engine.executeWorkflow({ accountId: account, workflowId: wf.id, payload: { i } })).run.id);
      clock.advance(1);
    }
    return { account, ids };
  };
  const claim = (limit: number, accountMaxRunning: number | null, owner = "wk_test") => {
    const now = clock();
    return claimRuns(db, { owner, now, leaseExpiresAt: new Date(now.getTime() + 30_000), limit, maxAttempts: 3, accountMaxRunning });
  };
  const byAccount = (runs: ClaimedRun[]) => {
    const counts: Record<string, number> = {};
    for (const r of runs) counts[r.accountId] = (counts[r.accountId] ?? 0) + 1;
    return counts;
  };
  /** Ends every run these claims took, so the next test starts with nothing running. */
  const finish = (runs: ClaimedRun[]) =>
    db.query(`UPDATE runs SET status = 'completed', lease_owner = NULL, lease_expires_at = NULL WHERE id = ANY($1::text[])`, [runs.map((r) => r.id)]);
  const completed = async (workflowId: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM runs WHERE workflow_id = $1 AND status = 'completed'`, [workflowId])).rows[0]!.n;
  const ids = (runs: ClaimedRun[]) => runs.map((r) => r.id).sort();
  const drainQueued = async () => {
    for (;;) {
      const runs = await claim(100, null);
      if (runs.length === 0) return;
      await finish(runs);
    }
  };

  it("an account's one run is in the first batch although another account queued 200 runs before it", async () => {
    await drainQueued();
    const a = await queue(200);
    const b = await queue(1);
    const first = await claim(4, 8);
    expect(byAccount(first)).toEqual({ [a.account]: 3, [b.account]: 1 });
    expect(ids(first)).toEqual([...a.ids.slice(0, 3), b.ids[0]!].sort()); // A's oldest three, and B's run
    await finish(first);
    await drainQueued();
  });

  it("deals a batch round-robin, least busy account first, oldest run first within an account", async () => {
    const a = await queue(10);
    const b = await queue(10);
    const c = await queue(1);
    const batch = await claim(6, null);
    // turns: A1 B1 C1 (nothing running yet), then A2 B2, then A3 (A's runs are older than B's)
    expect(ids(batch)).toEqual([a.ids[0]!, a.ids[1]!, a.ids[2]!, b.ids[0]!, b.ids[1]!, c.ids[0]!].sort());
    // Now A runs 3, B 2: the next slot goes to B although A's next run is older.
    const next = await claim(1, null);
    expect(next.map((r) => r.id)).toEqual([b.ids[2]]);
    await finish([...batch, ...next]);
    await drainQueued();
  });

  it("never takes an account past the cap, whatever the number of claims and slots; other accounts still get theirs", async () => {
    const cap = 3;
    const a = await queue(30);
    const taken: ClaimedRun[] = [];
    for (let i = 0; i < 5; i++) taken.push(...(await claim(10, cap, `wk_${i}`)));
    expect(byAccount(taken)).toEqual({ [a.account]: cap });
    const b = await queue(5);
    const more = await claim(10, cap);
    expect(byAccount(more)).toEqual({ [b.account]: cap });
    // One of A's runs ends: A gets exactly one more.
    await finish(taken.slice(0, 1));
    const again = await claim(10, cap);
    expect(byAccount(again)).toEqual({ [a.account]: 1 });
    await finish([...taken, ...more, ...again]);
    await drainQueued();
  });

  it("reclaims a run whose lease expired, within the cap; an expired lease does not count as running", async () => {
    const cap = 2;
    const a = await queue(5);
    const dead = await claim(10, cap, "wk_dead");
    expect(ids(dead)).toEqual(a.ids.slice(0, 2).sort());
    expect(await claim(10, cap)).toEqual([]); // A is at its cap
    clock.advance(30_001); // wk_dead's leases expire
    const rescued = await claim(10, cap, "wk_rescuer");
    // The expired runs queue by their own (older) available_at, so they come back first.
    expect(ids(rescued)).toEqual(a.ids.slice(0, 2).sort());
    expect(rescued.map((r) => [r.attempts, r.leaseOwner])).toEqual([
      [2, "wk_rescuer"],
      [2, "wk_rescuer"],
    ]);
    expect(await claim(10, cap)).toEqual([]);
    await finish(rescued);
    await drainQueued();
  });

  it("with only one account queued, its runs use up to the cap and the other slots stay free", async () => {
    const solo = `${store.name}-solo`;
    const accountId = await newAccount(engine);
    const wf = await addWorkflow(engine, accountId, holding(solo));
    for (let i = 0; i < 10; i++) await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { i } });
    const worker = engine.createWorker({ concurrency: 8, accountMaxRunning: 3, pollIntervalMs: 20 });
    await worker.start();
    await expect.poll(() => held(solo), { timeout: 5_000, interval: 10 }).toBe(3);
    await new Promise((r) => setTimeout(r, 100)); // several polls: still 3, five slots idle
    expect(held(solo)).toBe(3);
    expect(worker.inFlight).toBe(3);
    while ((await completed(wf.id)) < 10) {
      release(solo);
      await new Promise((r) => setTimeout(r, 10));
    }
    await worker.stop();
    expect(peak.get(solo)).toBe(3);
  });

  it("workers in parallel keep each account within the cap while another account's runs start at once", async () => {
    const cap = 3;
    const [tagA, tagB] = [`${store.name}-tenant-a`, `${store.name}-tenant-b`];
    const a = await newAccount(engine);
    const b = await newAccount(engine);
    const wfA = await addWorkflow(engine, a, holding(tagA));
    const wfB = await addWorkflow(engine, b, holding(tagB));
    for (let i = 0; i < 24; i++) await engine.executeWorkflow({ accountId: a, workflowId: wfA.id, payload: { i } });
    const workers = [1, 2, 3].map(() => engine.createWorker({ concurrency: 4, accountMaxRunning: cap, pollIntervalMs: 20 }));
    await Promise.all(workers.map((w) => w.start()));
    await expect.poll(() => held(tagA), { timeout: 5_000, interval: 10 }).toBe(cap);
    // A holds 3 of the 12 slots for as long as its calls hang; B's runs start without waiting for A.
    for (let i = 0; i < 2; i++) await engine.executeWorkflow({ accountId: b, workflowId: wfB.id, payload: { i } });
    await expect.poll(() => held(tagB), { timeout: 5_000, interval: 10 }).toBe(2);
    // Let A's runs through a few at a time; the cap holds on every claim along the way.
    while ((await completed(wfA.id)) < 24) {
      release(tagA, 2);
      await new Promise((r) => setTimeout(r, 15));
    }
    release(tagB);
    await Promise.all(workers.map((w) => w.stop({ deadlineMs: 2_000 })));
    expect(peak.get(tagA)).toBe(cap);
    expect(peak.get(tagB)).toBe(2);
  });

  it("claims by default within DEFAULT_ACCOUNT_MAX_RUNNING", async () => {
    expect(DEFAULT_ACCOUNT_MAX_RUNNING).toBe(16);
    const a = await queue(40);
    const claimed: string[] = [];
    const worker = engine.createWorker({ concurrency: 32, onEvent: (e) => void (e.type === "claimed" && claimed.push(e.run.id)) });
    expect(await worker.tick()).toBe(16);
    expect(claimed.sort()).toEqual(a.ids.slice(0, 16).sort());
    await worker.drain();
    expect(claimed).toHaveLength(40);
  });
});
