// Figure 2 — faster than the mock: the real server (embedded store) against Prism's static mock of
// the same bundle, on the same operations: GET a run, and rerun a run.
// Run: npm run bench:mock
import { startChild } from "./lib/child.ts";
import { mainFigure } from "./lib/figure.ts";
import { pairedRatio, runInterleaved } from "./lib/load.ts";
import { describePinning } from "./lib/pin.ts";
import type { Figure, Row } from "./lib/report.ts";
import { onCleanUp, runRequests, startReprise, waitForBacklog } from "./lib/servers.ts";
import type { RepriseInfo } from "./serve-reprise.ts";
import { fmt, fmtRatio } from "./lib/stats.ts";

const ROUNDS = 3;
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? 4);

/** Interleaves Reprise and Prism on GET run and on rerun. */
export async function measureAgainstMock(): Promise<Figure> {
  const [reprise, prism, httpOnly] = await Promise.all([
    startReprise({ validate: true }),
    startChild<{ url: string }>("serve-prism.ts"),
    startChild<RepriseInfo>("serve-http-only.ts", { options: { framework: "express" } }),
  ]);
  onCleanUp(() => prism.stop());
  onCleanUp(() => httpOnly.stop());
  const real = runRequests(reprise.info);
  const mock = runRequests({ ...reprise.info, altostratUrl: prism.info.url });
  const drained = () => waitForBacklog([reprise]).then(() => undefined);
  const results = await runInterleaved(
    [
      { name: "reprise GET", spec: real.getRun, before: drained },
      { name: "prism GET", spec: mock.getRun },
      { name: "reprise GET, run from memory", spec: runRequests(httpOnly.info).getRun },
      { name: "reprise rerun", spec: real.rerun, before: drained },
      { name: "prism rerun", spec: mock.rerun },
    ],
    { rounds: ROUNDS, roundS: ROUND_S },
  );
  const by = (name: string) => results.find((r) => r.name === name);
  const [realGet, mockGet, memoryGet, realRerun, mockRerun] = ["reprise GET", "prism GET", "reprise GET, run from memory", "reprise rerun", "prism rerun"].map(by);
  if (!realGet || !mockGet || !memoryGet || !realRerun || !mockRerun) throw new Error("missing variant");
  const rows: Row[] = [];
  for (const [op, r, m] of [
    ["GET run", realGet, mockGet],
    ["rerun", realRerun, mockRerun],
  ] as const) {
    const ratio = pairedRatio(r, m);
    rows.push(
      { measure: `${op}: Reprise / Prism, 2xx/s`, value: `${fmt(r.okPerSec)} / ${fmt(m.okPerSec)}` },
      { measure: `${op}: throughput ratio (median of round pairs)`, value: fmtRatio(ratio), target: "≥ 2×", met: ratio >= 2 },
      { measure: `${op}: p99 Reprise / Prism, ms`, value: `${fmt(r.p99)} / ${fmt(m.p99)}`, target: "Reprise lower", met: r.p99 < m.p99 },
      { measure: `${op}: p50 Reprise / Prism, ms`, value: `${fmt(r.p50)} / ${fmt(m.p50)}` },
    );
  }
  rows.splice(4, 0, {
    measure: "GET run with the run answered from memory (same app, engine.getRun stubbed): req/s, ratio to Prism, p99 ms",
    value: `${fmt(memoryGet.okPerSec)}, ${fmtRatio(pairedRatio(memoryGet, mockGet))}, ${fmt(memoryGet.p99)}`,
  });
  const errors = results.map((v) => `${v.name} ${v.non2xx}/${v.errors}`).join(", ");
  return {
    id: "2-mock",
    title: "2. Faster than the mock (Reprise on the embedded store vs Prism static mock)",
    command: "npm run bench:mock",
    inputs: {
      load: `autocannon, 32 connections, ${ROUNDS} interleaved rounds × ${ROUND_S} s per variant after a 2 s warm-up; ratios are the median of the per-round ratios`,
      placement: `${describePinning()}; Prism's process inherits the server CPU`,
      requests: "GET /workflows/runs/{runId}; POST /workflows/runs/{runId}/rerun of a completed run (no Idempotency-Key: every rerun queues a run that the server's workers execute during the load)",
    },
    rows,
    notes: [
      `non-2xx/errors: ${errors}. Reprise's backlog is drained before each of its rounds; its workers execute the queued reruns during the load.`,
      `Rounds (2xx/s): ${results.map((v) => `${v.name} ${v.rounds.map((r) => fmt(r.okPerSec)).join(", ")}`).join("; ")}.`,
    ],
  };
}

mainFigure(import.meta.url, measureAgainstMock);
