// Figure 8 — the peer: fastify 5 + ajv on the same route, beside Reprise's express stack, with the run
// read from the embedded store and from memory, and where Reprise's request path spends its CPU
// (V8 CPU profiles of the server during the validated GET load).
// Run: npm run bench:fastify
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild, type ServerChild } from "./lib/child.ts";
import { summarizeCpuProfile, type SelfTimeRow } from "./lib/cpu-profile.ts";
import { mainFigure } from "./lib/figure.ts";
import { pairedRatio, runInterleaved, runLoad, type LoadSpec } from "./lib/load.ts";
import { describePinning } from "./lib/pin.ts";
import type { Figure, Row } from "./lib/report.ts";
import type { Seeded } from "./lib/seed.ts";
import { onCleanUp, prepareDataDir, runRequests, startReprise } from "./lib/servers.ts";
import { fmt, fmtRatio } from "./lib/stats.ts";

const ROUNDS = 3;
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? 4);
const PROFILE_S = 6;

/** Interleaves Reprise (validated) and fastify on one route, then profiles Reprise alone. */
export async function measureFastifyPeer(): Promise<Figure> {
  const [reprise, fastify, expressMemory, fastifyMemory] = await Promise.all([
    startReprise({ validate: true }),
    startChild<Seeded & { altostratUrl: string }>("serve-fastify.ts", { options: { dataDir: prepareDataDir() } }),
    startChild<Seeded & { altostratUrl: string }>("serve-http-only.ts", { options: { framework: "express" } }),
    startChild<Seeded & { altostratUrl: string }>("serve-http-only.ts", { options: { framework: "fastify" } }),
  ]);
  for (const child of [fastify, expressMemory, fastifyMemory]) onCleanUp(() => child.stop());
  const get = (info: Seeded & { altostratUrl: string }) => runRequests({ ...info, alloyUrl: "" }).getRun;
  const [express, peer, expressMem, peerMem] = await runInterleaved(
    [
      { name: "reprise", spec: get(reprise.info) },
      { name: "fastify", spec: get(fastify.info) },
      { name: "reprise, run from memory", spec: get(expressMemory.info) },
      { name: "fastify, run from memory", spec: get(fastifyMemory.info) },
    ],
    { rounds: ROUNDS, roundS: ROUND_S },
  );
  if (!express || !peer || !expressMem || !peerMem) throw new Error("missing variant");
  const stored = await profileGet(reprise, "store", get(reprise.info));
  const memory = await profileGet(expressMemory, "memory", get(expressMemory.info));
  const ratio = pairedRatio(express, peer);
  const ratioMem = pairedRatio(expressMem, peerMem);
  return {
    id: "8-fastify-peer",
    title: "8. Peer: fastify 5 + ajv beside express + express-openapi-validator (GET run)",
    command: "npm run bench:fastify",
    inputs: {
      load: `autocannon, 32 connections, ${ROUNDS} interleaved rounds × ${ROUND_S} s per variant after a 2 s warm-up; ratios are the median of the per-round ratios`,
      placement: describePinning(),
      peer: "fastify 5.12.8, route schema (params, headers) from the bundle, @fastify/response-validation 3.0.4 with ajv 8, same JWT verifier, same engine.getRun + toWorkflowRun",
      "from memory": "the same apps in front of an engine whose getRun returns a fixed run (bench/serve-http-only.ts): the HTTP path alone",
    },
    rows: [
      { measure: "embedded store: Reprise / fastify, req/s", value: `${fmt(express.okPerSec)} / ${fmt(peer.okPerSec)}` },
      { measure: "embedded store: ratio Reprise / fastify (p99 ms)", value: `${fmtRatio(ratio)} (${fmt(express.p99)} / ${fmt(peer.p99)})`, target: "reported" },
      { measure: "run from memory: Reprise / fastify, req/s", value: `${fmt(expressMem.okPerSec)} / ${fmt(peerMem.okPerSec)}` },
      { measure: "run from memory: ratio Reprise / fastify (p99 ms)", value: `${fmtRatio(ratioMem)} (${fmt(expressMem.p99)} / ${fmt(peerMem.p99)})`, target: "reported" },
      ...stored,
      ...memory,
    ],
    notes: [
      `Rounds (req/s): ${[express, peer, expressMem, peerMem].map((v) => `${v.name} ${v.rounds.map((r) => fmt(r.okPerSec)).join(", ")}`).join("; ")}.`,
      "Self time is time spent in a frame itself, not in what it calls; `(native)` is C++ reached from JavaScript (socket writes, crypto, URL parsing), `wasm://…` is PGlite's PostgreSQL compiled to WebAssembly.",
    ],
  };
}

/** Profiles one server during GET load and summarizes its self time (top frames and packages). */
async function profileGet(server: ServerChild<unknown>, label: string, spec: LoadSpec): Promise<Row[]> {
  const file = join(tmpdir(), `reprise-get-${label}-${process.pid}.cpuprofile`);
  await server.request("profile-start");
  const load = await runLoad({ ...spec, durationS: PROFILE_S });
  await server.request("profile-stop", { file });
  const p = summarizeCpuProfile(file, 5);
  const row = (r: SelfTimeRow) => `${(r.share * 100).toFixed(1)}% ${r.name}`;
  return [
    { measure: `CPU profile, validated GET, run ${label === "store" ? "from the embedded store" : "from memory"} (${PROFILE_S} s, ${fmt(load.okPerSec)} req/s; busy ${fmt(p.busyMs)} of ${fmt(p.totalMs)} ms): top 5 frames by self time`, value: p.frames.map(row).join("; ") },
    { measure: `same profile: top 5 packages by self time`, value: p.groups.map(row).join("; ") },
  ];
}

mainFigure(import.meta.url, measureFastifyPeer);
