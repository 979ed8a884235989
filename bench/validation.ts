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

/** Measures the validated and the unvalidated server, interleaved, both on the embedded store. */
export async function measureValidation(): Promise<Figure> {
  const [validated, requestsOnly, bare] = await Promise.all([
    startReprise({ validate: true }),
    startReprise({ validate: true, validateResponses: false }),
    startReprise({ validate: false }),
  ]);
  const [on, noResponses, off] = await runInterleaved(
    [
      { name: "validated", spec: runRequests(validated.info).getRun, pids: [validated.pid] },
      { name: "requests only", spec: runRequests(requestsOnly.info).getRun, pids: [requestsOnly.pid] },
      { name: "bare", spec: runRequests(bare.info).getRun, pids: [bare.pid] },
    ],
    { rounds: ROUNDS, roundS: ROUND_S, warmupS: 3 },
  );
  if (!on || !noResponses || !off) throw new Error("missing variant");
  const ratio = pairedRatio(on, off);
  const cpuRatio = perCpuSecond(on) / perCpuSecond(off);
  return {
    id: "1-validation",
    title: "1. Validation is nearly free (GET run, embedded store)",
    command: "npm run bench:validation",
    inputs: {
      load: `autocannon, 32 connections, ${ROUNDS} interleaved rounds × ${ROUND_S} s per variant after a 3 s warm-up`,
      placement: describePinning(),
      request: "GET /workflows/runs/{runId} of a completed three-node run (~1.2 KB with its logs)",
    },
    rows: [
      { measure: "validated (JWT auth + request + response validation), req/s", value: fmt(on.okPerSec) },
      { measure: "validation and auth off, req/s", value: fmt(off.okPerSec) },
      { measure: "p50 / p99 validated, ms", value: `${fmt(on.p50)} / ${fmt(on.p99)}` },
      { measure: "p50 / p99 off, ms", value: `${fmt(off.p50)} / ${fmt(off.p99)}` },
      { measure: "ratio validated / off (median of the back-to-back round pairs)", value: fmtRatio(ratio), target: "≥ 0.80×", met: ratio >= 0.8 },
      { measure: "ratio of requests per server CPU-second (CPU taken by other processes factored out)", value: fmtRatio(cpuRatio) },
      {
        measure: "auth + request validation only (VALIDATE_RESPONSES=false, production's default): req/s, ratio to off",
        value: `${fmt(noResponses.okPerSec)}, ${fmtRatio(pairedRatio(noResponses, off))}`,
      },
      { measure: "non-2xx / errors", value: `${on.non2xx + off.non2xx} / ${on.errors + off.errors}` },
    ],
    notes: [
      `Rounds (req/s): validated ${on.rounds.map((r) => fmt(r.okPerSec)).join(", ")}; requests only ${noResponses.rounds.map((r) => fmt(r.okPerSec)).join(", ")}; off ${off.rounds.map((r) => fmt(r.okPerSec)).join(", ")}. Server CPU used: validated ${on.cpu ? formatCpu(on.cpu) : "n/a"}; off ${off.cpu ? formatCpu(off.cpu) : "n/a"}.`,
    ],
  };
}

mainFigure(import.meta.url, measureValidation);
