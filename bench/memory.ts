// Figure 6 — memory: peak RSS (VmHWM of the server process) under rerun and GET load, on the embedded
// store and on PostgreSQL, with V8's default heap flags and with the ones `reprise start` adds. Run: npm run bench:memory
import { SERVER_HEAP_FLAGS } from "../bin/heap-flags.js";
import { mainFigure } from "./lib/figure.ts";
import { runLoad } from "./lib/load.ts";
import { describePinning } from "./lib/pin.ts";
import type { Figure, Row } from "./lib/report.ts";
import { BENCH_DATABASE_URL, createBenchSchema, runRequests, startReprise, type RepriseChild } from "./lib/servers.ts";
import { fmt } from "./lib/stats.ts";

const RERUN_S = 6;
const GET_S = 3;
// BENCH_MEMORY_STORES=embedded measures the embedded rows only.
const EMBEDDED_ONLY = process.env.BENCH_MEMORY_STORES === "embedded";

type Usage = Record<"rss" | "heapTotal" | "heapUsed" | "external" | "arrayBuffers", number>;

async function loadAndSample(server: RepriseChild): Promise<{ idle: number; peak: number; reruns: number; getPerSec: number; idleUse: Usage; loadedUse: Usage; collected: Usage }> {
  const idle = server.peakRssMb();
  const idleUse = await server.request<Usage>("memory");
  const requests = runRequests(server.info);
  const reruns = await runLoad({ ...requests.rerun, durationS: RERUN_S });
  const gets = await runLoad({ ...requests.getRun, durationS: GET_S });
  const loadedUse = await server.request<Usage>("memory");
  const peak = server.peakRssMb();
  const collected = await server.request<Usage>("memory", { gc: true });
  await server.stop();
  return { idle, peak, reruns: reruns.ok, getPerSec: gets.okPerSec, idleUse, loadedUse, collected };
}

type Sample = Awaited<ReturnType<typeof loadAndSample>>;

/** The three rows of one server's sample: idle peak, peak under load against `targetMb`, memoryUsage() along the way. */
function sampleRows(name: string, sample: Sample, targetMb: number): Row[] {
  return [
    { measure: `${name}: VmHWM after start and seeding, MB`, value: fmt(sample.idle) },
    {
      measure: `${name}: VmHWM after the load (${sample.reruns} reruns queued and run; ${fmt(sample.getPerSec)} GET/s), MB`,
      value: fmt(sample.peak),
      target: `≤ ${targetMb} MB`,
      met: sample.peak <= targetMb,
    },
    { measure: `${name}: memoryUsage() idle → after the load → after a full GC, MB`, value: [sample.idleUse, sample.loadedUse, sample.collected].map(describeUse).join(" → ") },
  ];
}

const describeUse = (u: Usage) => `rss ${u.rss}, V8 heap ${u.heapTotal} (used ${u.heapUsed}), external ${u.external}`;

/** Peak RSS of one server per store and per set of V8 flags, after rerun then GET load (the rerun load grows the store). */
export async function measureMemory(): Promise<Figure> {
  const rows: Row[] = [];
  for (const [label, flags] of [
    ["default V8 flags", []],
    [`reprise start's ${SERVER_HEAP_FLAGS.join(" ")}`, SERVER_HEAP_FLAGS],
  ] as const) {
    const nodeArgs = ["--expose-gc", ...flags];
    const embedded = await loadAndSample(await startReprise({ store: "file" }, { nodeArgs }));
    rows.push(...sampleRows(`embedded, ${label}`, embedded, 450));
    // STORE_THREAD=worker: VmHWM is the process's, so the store thread's heap and PGlite's memory count.
    const threaded = await loadAndSample(await startReprise({ store: "file", thread: "worker" }, { nodeArgs }));
    rows.push(...sampleRows(`embedded, store thread, ${label}`, threaded, 450));
    if (EMBEDDED_ONLY) continue;
    const schema = await createBenchSchema("mem");
    const pg = schema
      ? await startReprise({ store: "postgres", databaseUrl: BENCH_DATABASE_URL, schema }, { nodeArgs })
          .then(loadAndSample)
          .catch((err: unknown) => (console.error("memory (postgres):", err), undefined))
      : undefined;
    if (pg) rows.push(...sampleRows(`postgres, ${label}`, pg, 200));
    else rows.push({ measure: `postgres, ${label}`, value: "skipped: PostgreSQL unreachable or restarted during the run", target: "≤ 200 MB" });
  }
  return {
    id: "6-memory",
    title: "6. Memory: peak RSS of the server process under load",
    command: "npm run bench:memory",
    inputs: {
      load: `autocannon 32 connections: ${RERUN_S} s of reruns, then ${GET_S} s of GET run`,
      placement: describePinning(),
      process: "node --expose-gc [flags] bench/serve-reprise.ts (startServer, run with Node's type stripping as `npm start` runs it; the flags `reprise start` adds come from bin/heap-flags.js); the embedded store is reopened (initdb ran in a separate process first)",
    },
    rows,
  };
}

mainFigure(import.meta.url, measureMemory);
