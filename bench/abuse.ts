// Figure 11 — abusive tenants: /healthz p99 while one account floods the server with endless
// expressions, big outputs and calls to an endpoint that never answers in time, against its idle p99;
// and what the sandbox costs: three-node runs executed/s with tenant code in sandbox processes vs
// evaluated on the serving thread (the engine alone, embedded store in memory). Run: npm run bench:abuse
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createEngine, createInThreadSandbox, type Sandbox, type WorkerEvent } from "../src/core/index.ts";
import { openStore } from "../src/store/index.ts";
import { mainFigure } from "./lib/figure.ts";
import { runOpenLoop } from "./lib/open-loop.ts";
import type { Figure } from "./lib/report.ts";
import { THREE_NODE_WORKFLOW } from "./lib/seed.ts";
import { onCleanUp, startReprise } from "./lib/servers.ts";
import { fmt, fmtRatio } from "./lib/stats.ts";

const HEALTH_RATE = 50;
const HEALTH_S = Number(process.env.BENCH_ABUSE_S ?? 10);
const ABUSE_RATE = 12;
const ENGINE_RUNS = Number(process.env.BENCH_SANDBOX_RUNS ?? 1500);

const transform = (expression: string) => ({
  nodes: [
    { id: "start", type: "trigger" },
    { id: "code", type: "transform", config: { expression } },
  ],
  edges: [{ source: "start", target: "code" }],
});

/** A listener that accepts requests and answers none of them (until it is closed). */
async function startSilentListener(): Promise<{ url: string }> {
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer(() => {});
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onCleanUp(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow` };
}

async function postJson(url: string, token: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** /healthz p99 idle, then while one account sends a steady mix of abusive executions. */
async function measureHealthUnderAbuse() {
  const silent = await startSilentListener();
  // Unpinned, as deployed: the sandbox processes are the server's children and share its cores.
  const server = await startReprise({ store: "file", env: { HTTP_ALLOW_PRIVATE_NETWORKS: "true" } }, { cpu: null, quiet: true });
  const { altostratUrl, token } = server.info;
  const health = { url: `${altostratUrl}/healthz`, rate: HEALTH_RATE, durationS: HEALTH_S };
  await runOpenLoop({ ...health, durationS: 2 });
  const idle = await runOpenLoop(health);

  const abusive = [
    transform("($f := function($n){ $f($n+1) }; $f(0))"),
    transform('$pad("x", 1000000)'),
    transform("[1..10000000]"),
    {
      nodes: [
        { id: "start", type: "trigger" },
        { id: "call", type: "http_request", config: { method: "GET", url: silent.url, timeout_ms: 20_000 } },
      ],
      edges: [{ source: "start", target: "call" }],
    },
  ];
  const ids: string[] = [];
  for (const [i, definition] of abusive.entries()) {
    const created = await postJson(`${altostratUrl}/workflows`, token, { name: `abusive-${i}`, definition });
    if (created.status !== 201) throw new Error(`create abusive workflow ${i}: ${created.status} ${JSON.stringify(created.json)}`);
    ids.push(created.json.id as string);
  }
  let sent = 0;
  const flood = setInterval(() => {
    const id = ids[sent++ % ids.length]!;
    void postJson(`${altostratUrl}/workflows/${id}/execute`, token, { context: {} }).catch(() => {});
  }, 1000 / ABUSE_RATE);
  await new Promise((r) => setTimeout(r, 2000));
  let underAbuse;
  try {
    underAbuse = await runOpenLoop(health);
  } finally {
    clearInterval(flood);
  }
  const counters = await server.request<{ claimed: number; finished: number; failed: number }>("counters");
  return { idle, underAbuse, sent, counters };
}

/** Three-node runs executed/s on one engine (embedded store in memory, one worker of 32). */
async function runsPerSecond(sandbox: Sandbox | undefined): Promise<number> {
  const db = await openStore({ memory: true });
  const engine = createEngine({ db, ...(sandbox ? { sandbox } : {}) });
  try {
    const account = await engine.createAccount({ name: "bench" });
    const wf = await engine.createWorkflow({ accountId: account.id, idStyle: "altostrat", name: "three", definition: THREE_NODE_WORKFLOW });
    for (let i = 0; i < ENGINE_RUNS; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => engine.executeWorkflow({ accountId: account.id, workflowId: wf.id, payload: { order: `o${i + j}`, qty: 3, price: 42.5 } })));
    }
    let finished = 0;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const onEvent = (e: WorkerEvent) => {
      if (e.type === "finished" && ++finished === ENGINE_RUNS) resolveDone();
    };
    const t0 = performance.now();
    const worker = engine.createWorker({ concurrency: 32, pollIntervalMs: 50, onEvent });
    await worker.start();
    await done;
    const perSec = ENGINE_RUNS / ((performance.now() - t0) / 1000);
    await worker.stop();
    return perSec;
  } finally {
    await engine.close();
    await db.close();
  }
}

export async function measureAbuse(): Promise<Figure> {
  const inThread = await runsPerSecond(createInThreadSandbox());
  const sandboxed = await runsPerSecond(undefined);
  const { idle, underAbuse, sent, counters } = await measureHealthUnderAbuse();
  const ratio = underAbuse.p99 / idle.p99;
  return {
    id: "11-abuse",
    title: "11. Abusive tenants: /healthz under a flood of tenant code, and the sandbox's cost",
    command: "npm run bench:abuse",
    inputs: {
      health: `${HEALTH_RATE} GET /healthz per s for ${HEALTH_S} s, open loop`,
      abuse: `one account executes ${ABUSE_RATE}/s in turn: an endless expression, a 1 MB output, a 10M-element array, a call to a listener that never answers (timeout 20 s)`,
      server: "embedded store, default limits, unpinned (its sandbox processes share the cores)",
      sandboxCost: `${ENGINE_RUNS} three-node runs (trigger → transform → condition), engine only, in-memory store, one worker of 32`,
    },
    rows: [
      { measure: "/healthz p99 idle (ms)", value: fmt(idle.p99) },
      { measure: "/healthz p99 under abuse (ms)", value: fmt(underAbuse.p99) },
      { measure: "/healthz p99 under abuse / idle", value: fmtRatio(ratio), target: "≤ 2×", met: ratio <= 2 },
      { measure: "/healthz answered under abuse", value: `${underAbuse.ok} of ${underAbuse.sent}`, target: "all", met: underAbuse.ok === underAbuse.sent },
      { measure: "abusive executions sent / runs finished meanwhile (of them failed by a limit; the 1 MB outputs complete)", value: `${sent} / ${counters.finished} (${counters.failed})` },
      { measure: "three-node runs executed/s, tenant code on the serving thread", value: fmt(inThread) },
      { measure: "three-node runs executed/s, tenant code in the sandbox", value: fmt(sandboxed) },
      { measure: "sandbox / serving thread", value: fmtRatio(sandboxed / inThread) },
    ],
  };
}

mainFigure(import.meta.url, measureAbuse);
