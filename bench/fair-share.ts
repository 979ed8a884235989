// Figure 10 — fair share between accounts: account A queues 1,000 slow runs (one http_request to a
// local listener that answers after 2 s), then account B submits runs of a one-node workflow at a
// steady pace; B's wait from creation to start (the run's created_at → started_at, both written by
// the server). Embedded store with the default cap and with the cap lifted (what the cap buys), and
// PostgreSQL with the default cap when it is reachable.
// Run: npm run bench:fair-share   (BENCH_FAIR_S seconds of B's submissions, BENCH_FAIR_RATE runs/s)
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_WORKER_CONCURRENCY } from "../src/config.ts";
import type { WorkflowDefinition } from "../src/core/index.ts";
import { DEFAULT_ACCOUNT_MAX_RUNNING } from "../src/store/index.ts";
import { mainFigure } from "./lib/figure.ts";
import { runLoad } from "./lib/load.ts";
import { describePinning } from "./lib/pin.ts";
import type { Figure, Row } from "./lib/report.ts";
import type { Seeded } from "./lib/seed.ts";
import { BENCH_DATABASE_URL, createBenchSchema, startReprise, type RepriseChild } from "./lib/servers.ts";
import { fmt, quantile } from "./lib/stats.ts";

const A_RUNS = 1000;
const SLOW_MS = 2000;
const WINDOW_S = Number(process.env.BENCH_FAIR_S ?? 20);
const B_RATE = Number(process.env.BENCH_FAIR_RATE ?? 10);
/** The server's POLL_INTERVAL_MS default: the longest a worker that missed a notification waits before it claims. */
const POLL_MS = 1000;

const ONE_NODE: WorkflowDefinition = { nodes: [{ id: "start", type: "trigger" }], edges: [] };
const slowCall = (url: string): WorkflowDefinition => ({
  nodes: [
    { id: "start", type: "trigger" },
    { id: "call", type: "http_request", config: { method: "GET", url } },
  ],
  edges: [{ source: "start", target: "call" }],
});

/** The slow listener: every request is answered after SLOW_MS, so each of A's runs holds a worker slot that long. */
interface SlowListener {
  url: string;
  server: Server;
  /** Most requests open at once since the last reset: A's runs executing at once, seen from outside. */
  peak(): number;
  reset(): void;
}

async function startSlowListener(): Promise<SlowListener> {
  let open = 0;
  let peak = 0;
  const server = createServer((_req, res) => {
    peak = Math.max(peak, ++open);
    res.on("close", () => open--);
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'), SLOW_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`,
    server,
    peak: () => peak,
    reset: () => void (peak = open),
  };
}

interface Variant {
  label: string;
  store: "file" | "postgres";
  cap: number;
}

interface Outcome {
  waits: number[];
  submitted: number;
  accepted: number;
  started: number;
  aPeak: number;
  aStarted: number;
}

async function api<T>(server: RepriseChild, token: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${server.info.altostratUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

type Times = [number, number | null, number | null][];

async function measureVariant(variant: Variant, slow: SlowListener): Promise<Outcome | null> {
  const schema = variant.store === "postgres" ? await createBenchSchema("fair") : null;
  if (variant.store === "postgres" && schema === null) return null;
  const server = await startReprise({
    store: variant.store,
    ...(schema ? { databaseUrl: BENCH_DATABASE_URL, schema } : {}),
    env: { HTTP_ALLOW_PRIVATE_NETWORKS: "true", ACCOUNT_MAX_RUNNING: String(variant.cap) },
  });
  try {
    const a = server.info;
    const b = await server.request<Seeded>("seed-tenant");
    const wfA = await api<{ id: string }>(server, a.token, "/workflows", { name: "slow", definition: slowCall(slow.url) });
    const wfB = await api<{ id: string }>(server, b.token, "/workflows", { name: "one-node", definition: ONE_NODE });

    slow.reset();
    // A's backlog: 1,000 runs queued as fast as the server takes them; its workers start on them at once.
    const queued = await runLoad({
      url: `${server.info.altostratUrl}/workflows/${wfA.id}/execute`,
      method: "POST",
      headers: { authorization: `Bearer ${a.token}`, "content-type": "application/json" },
      body: "{}",
      amount: A_RUNS,
      connections: 32,
    });
    if (queued.ok !== A_RUNS) throw new Error(`A's backlog: ${queued.ok} of ${A_RUNS} accepted`);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    // B: one run every 1/B_RATE s, each request sent on schedule whether or not the last was answered.
    const total = Math.round(WINDOW_S * B_RATE);
    const t0 = performance.now();
    const sends: Promise<boolean>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = t0 + (i * 1000) / B_RATE - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      sends.push(
        fetch(`${server.info.altostratUrl}/workflows/${wfB.id}/execute`, {
          method: "POST",
          headers: { authorization: `Bearer ${b.token}`, "content-type": "application/json" },
          body: "{}",
        }).then(
          async (res) => (await res.arrayBuffer(), res.status === 202),
          () => false,
        ),
      );
    }
    const accepted = (await Promise.all(sends)).filter(Boolean).length;

    // Every accepted B run should have started by now; give stragglers up to 10 s.
    let bTimes: Times = [];
    for (let i = 0; i < 100; i++) {
      bTimes = await server.request<Times>("run-times", { workflowId: wfB.id });
      if (bTimes.every(([, s]) => s !== null)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const aTimes = await server.request<Times>("run-times", { workflowId: wfA.id });
    const waits = bTimes.flatMap(([c, s]) => (s === null ? [] : [s - c])).sort((x, y) => x - y);
    return {
      waits,
      submitted: total,
      accepted,
      started: waits.length,
      aPeak: slow.peak(),
      aStarted: aTimes.filter(([, s]) => s !== null).length,
    };
  } finally {
    await server.stop();
  }
}

/** B's wait and A's share under fair-share claims. */
export async function measureFairShare(): Promise<Figure> {
  const slow = await startSlowListener();
  const capOff = 100_000;
  const variants: Variant[] = [
    { label: `embedded, cap ${DEFAULT_ACCOUNT_MAX_RUNNING} (default)`, store: "file", cap: DEFAULT_ACCOUNT_MAX_RUNNING },
    { label: "embedded, cap lifted", store: "file", cap: capOff },
    { label: `PostgreSQL, cap ${DEFAULT_ACCOUNT_MAX_RUNNING} (default)`, store: "postgres", cap: DEFAULT_ACCOUNT_MAX_RUNNING },
  ];
  const rows: Row[] = [];
  try {
    for (const variant of variants) {
      const out = await measureVariant(variant, slow);
      if (!out) {
        rows.push({ measure: `${variant.label}: B creation → start`, value: `skipped (no PostgreSQL at ${BENCH_DATABASE_URL.replace(/:[^:@/]*@/, ":***@")})` });
        continue;
      }
      const p50 = quantile(out.waits, 0.5);
      const p99 = quantile(out.waits, 0.99);
      const capped = variant.cap !== capOff;
      const bRow: Row = { measure: `${variant.label}: B creation → start, p50 / p99 ms`, value: `${fmt(p50)} / ${fmt(p99)}` };
      const aRow: Row = {
        measure: `${variant.label}: A's runs in their slow call at once, peak (of ${DEFAULT_WORKER_CONCURRENCY} slots); A's runs started`,
        value: `${out.aPeak}; ${out.aStarted}`,
      };
      if (capped) {
        Object.assign(bRow, { target: `p99 ≤ ${POLL_MS.toLocaleString("en-US")} ms (one poll + a claim)`, met: p99 <= POLL_MS && out.started === out.accepted });
        Object.assign(aRow, { target: `≤ ${variant.cap}`, met: out.aPeak <= variant.cap });
      }
      rows.push(bRow, { measure: `${variant.label}: B max ms; runs submitted / accepted / started`, value: `${fmt(out.waits.at(-1) ?? Number.NaN)}; ${out.submitted} / ${out.accepted} / ${out.started}` }, aRow);
    }
  } finally {
    slow.server.closeAllConnections();
    await new Promise<void>((resolve) => slow.server.close(() => resolve()));
  }
  return {
    id: "10-fair-share",
    title: "10. Fair share: another account's run while one account's backlog is queued",
    command: "npm run bench:fair-share",
    inputs: {
      load: `A: ${A_RUNS.toLocaleString("en-US")} runs queued at once (POST execute, 32 connections), each an http_request to a local listener answering after ${SLOW_MS / 1000} s; 1 s later B: ${B_RATE} runs/s for ${WINDOW_S} s (one-node workflow: its trigger), sent on schedule`,
      server: `one process, WORKER_CONCURRENCY ${DEFAULT_WORKER_CONCURRENCY}, POLL_INTERVAL_MS ${POLL_MS} (defaults), ACCOUNT_MAX_RUNNING as named (lifted: ${capOff.toLocaleString("en-US")})`,
      measure: "B's wait is its run's started_at − created_at (both set by the server: the claim's time and the insert's); A's concurrency is the most requests open at once at the slow listener",
      placement: describePinning(),
    },
    rows,
    notes: [
      `Expected bound: A can hold at most ACCOUNT_MAX_RUNNING (${DEFAULT_ACCOUNT_MAX_RUNNING}) of the ${DEFAULT_WORKER_CONCURRENCY} slots, so a slot is always free when B's run arrives and the claim gives it to the least busy account first: B waits for the insert's notification to wake the worker and one claim (a few ms), at worst one poll interval (${POLL_MS.toLocaleString("en-US")} ms) if the notification is missed. With the cap lifted A fills every slot and B waits for A's next runs to end (up to ${SLOW_MS / 1000} s here; round-robin still puts B first when they do). The claim before fair share was FIFO: B waited behind A's whole backlog, ${A_RUNS.toLocaleString("en-US")} × ${SLOW_MS / 1000} s / ${DEFAULT_WORKER_CONCURRENCY} slots ≈ ${Math.round((A_RUNS * SLOW_MS) / 1000 / DEFAULT_WORKER_CONCURRENCY)} s (computed, not measured).`,
    ],
  };
}

mainFigure(import.meta.url, measureFairShare);
