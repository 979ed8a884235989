// Figure 1 — validation is nearly free: GET /workflows/runs/{runId} of a finished run with auth,
// request and response validation, against the same server with validation and auth off.
// Run: npm run bench:validation
import { mainFigure } from "./lib/figure.ts";
import { pairedRatio, perCpuSecond, runInterleaved } from "./lib/load.ts";
import type { Figure } from "./lib/report.ts";
import { runRequests, startReprise } from "./lib/servers.ts";
import { describePinning } from "./lib/pin.ts";
import { fmt, fmtRatio } from "./lib/stats.ts";
import { formatCpu } from "./lib/cpu.ts";

const ROUNDS = 4;
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? 4);
// The target holds in at least 4 of 5 back-to-back runs: one run's ratio moves with the shared machine.
const RUNS = Number(process.env.BENCH_VALIDATION_RUNS ?? 5);
const RUNS_NEEDED = Math.ceil(RUNS * 0.8);

/** One run: fresh validated, requests-only and unvalidated servers on the embedded store, interleaved. */
async function measureOnce() {
  const servers = await Promise.all([startReprise({ validate: true }), startReprise({ validate: true, validateResponses: false }), startReprise({ validate: false })]);
  const [validated, requestsOnly, bare] = servers;
  try {
    const [on, noResponses, off] = await runInterleaved(
      [
        { name: "validated", spec: runRequests(validated.info).getRun, pids: [validated.pid] },
        { name: "requests only", spec: runRequests(requestsOnly.info).getRun, pids: [requestsOnly.pid] },
        { name: "bare", spec: runRequests(bare.info).getRun, pids: [bare.pid] },
      ],
      { rounds: ROUNDS, roundS: ROUND_S, warmupS: 3 },
    );
    if (!on || !noResponses || !off) throw new Error("missing variant");
    return { on, noResponses, off, ratio: pairedRatio(on, off) };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** Measures the validated and the unvalidated server RUNS times back to back; the table shows the median run. */
export async function measureValidation(): Promise<Figure> {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measureOnce());
  const byRatio = [...runs].sort((a, b) => a.ratio - b.ratio);
  const { on, noResponses, off, ratio } = byRatio[Math.floor((byRatio.length - 1) / 2)] as (typeof runs)[number];
  const cpuRatio = perCpuSecond(on) / perCpuSecond(off);
  const passing = runs.filter((r) => r.ratio >= 0.8).length;
  return {
    id: "1-validation",
    title: "1. Validation is nearly free (GET run, embedded store)",
    command: "npm run bench:validation",
    inputs: {
      load: `${RUNS} runs back to back, each with fresh servers: autocannon, 32 connections, ${ROUNDS} interleaved rounds × ${ROUND_S} s per variant after a 3 s warm-up; the rows are the run with the median ratio`,
      placement: describePinning(),
      request: "GET /workflows/runs/{runId} of a completed three-node run (~1.2 KB with its logs)",
    },
    rows: [
      { measure: "validated (JWT auth + request + response validation), req/s", value: fmt(on.okPerSec) },
      { measure: "validation and auth off, req/s", value: fmt(off.okPerSec) },
      { measure: "p50 / p99 validated, ms", value: `${fmt(on.p50)} / ${fmt(on.p99)}` },
      { measure: "p50 / p99 off, ms", value: `${fmt(off.p50)} / ${fmt(off.p99)}` },
      { measure: "ratio validated / off (median of the back-to-back round pairs), median run", value: fmtRatio(ratio) },
      {
        measure: `ratio validated / off in each of ${RUNS} back-to-back runs; runs at ≥ 0.80×`,
        value: `${runs.map((r) => fmtRatio(r.ratio)).join(", ")}; ${passing} of ${RUNS}`,
        target: `≥ 0.80× in ${RUNS_NEEDED} of ${RUNS}`,
        met: passing >= RUNS_NEEDED,
      },
      { measure: "ratio of requests per server CPU-second (CPU taken by other processes factored out)", value: fmtRatio(cpuRatio) },
      {
        measure: "auth + request validation only (VALIDATE_RESPONSES=false, production's default): req/s, ratio to off",
        value: `${fmt(noResponses.okPerSec)}, ${fmtRatio(pairedRatio(noResponses, off))}`,
      },
      { measure: "non-2xx / errors", value: `${on.non2xx + off.non2xx} / ${on.errors + off.errors}` },
    ],
    notes: [
      `Rounds of the median run (req/s): validated ${on.rounds.map((r) => fmt(r.okPerSec)).join(", ")}; requests only ${noResponses.rounds.map((r) => fmt(r.okPerSec)).join(", ")}; off ${off.rounds.map((r) => fmt(r.okPerSec)).join(", ")}. Server CPU used: validated ${on.cpu ? formatCpu(on.cpu) : "n/a"}; off ${off.cpu ? formatCpu(off.cpu) : "n/a"}.`,
    ],
  };
}

mainFigure(import.meta.url, measureValidation);
