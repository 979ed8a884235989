// Figure 12 — saturation: reruns offered open-loop at twice the rate the server sustains, with
// admission control as shipped and with it lifted. Run: npm run bench:saturation
import { mainFigure } from "./lib/figure.ts";
import { runLoad } from "./lib/load.ts";
import { sendAtFixedRate } from "./lib/fixed-rate.ts";
import { describePinning } from "./lib/pin.ts";
import type { Figure, Row } from "./lib/report.ts";
import { measureSustainedReruns, runRequests, startReprise, waitForBacklog, type RepriseChild } from "./lib/servers.ts";
import { fmt, quantile } from "./lib/stats.ts";
import { DEFAULT_ADMISSION_ACCOUNT_MAX_IN_FLIGHT, DEFAULT_ADMISSION_ACCOUNT_MAX_QUEUED_RUNS, DEFAULT_ADMISSION_MAX_EVENT_LOOP_DELAY_MS, DEFAULT_ADMISSION_MAX_IN_FLIGHT } from "../src/config.ts";

const LOAD_S = Number(process.env.BENCH_SATURATION_S ?? 10);
const ROUNDS = Number(process.env.BENCH_SATURATION_ROUNDS ?? 2);
const MAX_S = 5;
// A request unanswered this long counts as not answered (and the round does not wait for it longer).
const TIMEOUT_MS = 30_000;
// A client's pool, as a proxy or an SDK keeps one. Without a bound the sender opens a connection per
// waiting request, and past the listen backlog the kernel drops their SYNs: they wait for
// retransmission (1 s, 3 s, 7 s, …) before any code of the server sees them.
const CONNECTIONS = 256;
const LIFTED = { ADMISSION_MAX_IN_FLIGHT: "100000", ADMISSION_ACCOUNT_MAX_IN_FLIGHT: "100000", ADMISSION_MAX_EVENT_LOOP_DELAY_MS: "0", ADMISSION_ACCOUNT_MAX_QUEUED_RUNS: "0" };

interface Tally {
  sent: number;
  accepted: number[];
  refused: number;
  refusedWithRetryAfter: number;
  other: number;
  errors: number;
  seconds: number;
  senderLate: number[];
}

/** Offers `rate` reruns/s open-loop for LOAD_S and sorts every answer; the backlog is drained afterwards. */
async function offer(server: RepriseChild, rate: number, into: Tally): Promise<void> {
  const { url, headers } = runRequests(server.info).rerun;
  const load = await sendAtFixedRate({ url, method: "POST", headers, rate, durationS: LOAD_S, connections: CONNECTIONS, timeoutMs: TIMEOUT_MS });
  for (const answer of load.answers) {
    if (answer.status === 202) into.accepted.push(answer.latencyMs);
    else if (answer.status === 503) {
      into.refused++;
      if (/^[1-9]\d*$/.test(answer.retryAfter ?? "")) into.refusedWithRetryAfter++;
    } else into.other++;
  }
  into.sent += load.sent;
  into.errors += load.unanswered;
  into.seconds += load.seconds;
  into.senderLate.push(load.senderLateP99);
  await waitForBacklog([server], 120_000);
}

function summarize(label: string, t: Tally, target: boolean): Row[] {
  const sorted = [...t.accepted].sort((a, b) => a - b);
  const answered = t.accepted.length + t.refused + t.other;
  const p99 = quantile(sorted, 0.99);
  return [
    { measure: `${label}: accepted reruns/s; p50 / p99 of the accepted, ms (from each request's scheduled send)`, value: `${fmt(t.accepted.length / t.seconds)}; ${fmt(quantile(sorted, 0.5))} / ${fmt(p99)}`, ...(target ? { target: "p99 ≤ 100 ms", met: p99 <= 100 } : {}) },
    { measure: `${label}: share answered 503 (with Retry-After); other answers`, value: `${fmt((100 * t.refused) / Math.max(1, t.sent))}% (${t.refusedWithRetryAfter} of ${t.refused}); ${t.other}` },
    { measure: `${label}: the sender's own lateness, p99 ms per round (a starved sender inflates every latency)`, value: t.senderLate.map(fmt).join(", ") },
    { measure: `${label}: requests answered of sent; unanswered (connection error or ${TIMEOUT_MS / 1000} s)`, value: `${answered} of ${t.sent}; ${t.errors}`, ...(target ? { target: "all", met: answered === t.sent && t.errors === 0 } : {}) },
  ];
}

/** Finds the sustainable rerun rate (closed loop), then offers twice that open-loop to both servers in turn. */
export async function measureSaturation(): Promise<Figure> {
  const shipped = await startReprise({ store: "file" });
  const lifted = await startReprise({ store: "file", env: LIFTED });
  for (const server of [shipped, lifted]) {
    await runLoad({ ...runRequests(server.info).rerun, durationS: 2 });
    await waitForBacklog([server], 60_000);
  }
  const sustained = await measureSustainedReruns(shipped, MAX_S);
  const rate = Math.max(1, Math.round(sustained.sustainedPerSec * 2));
  const empty = (): Tally => ({ sent: 0, accepted: [], refused: 0, refusedWithRetryAfter: 0, other: 0, errors: 0, seconds: 0, senderLate: [] });
  const tallies = { shipped: empty(), lifted: empty() };
  for (let round = 0; round < ROUNDS; round++) {
    await offer(shipped, rate, tallies.shipped);
    await offer(lifted, rate, tallies.lifted);
  }
  return {
    id: "12-saturation",
    title: "12. Saturation: reruns offered at twice the sustainable rate (embedded store)",
    command: "npm run bench:saturation",
    inputs: {
      load: `sustained rate: autocannon 32 connections × ${MAX_S} s of reruns (closed loop), accepted reruns divided by the time until all of them were executed; then ${ROUNDS} interleaved rounds × ${LOAD_S} s open-loop at twice it, evenly spaced (undici pool, keep-alive, up to ${CONNECTIONS} connections), a request unanswered after ${TIMEOUT_MS / 1000} s abandoned, each server drained between rounds`,
      admission: `as shipped: ADMISSION_MAX_IN_FLIGHT ${DEFAULT_ADMISSION_MAX_IN_FLIGHT}, ADMISSION_ACCOUNT_MAX_IN_FLIGHT ${DEFAULT_ADMISSION_ACCOUNT_MAX_IN_FLIGHT} (one account sends everything), ADMISSION_MAX_EVENT_LOOP_DELAY_MS ${DEFAULT_ADMISSION_MAX_EVENT_LOOP_DELAY_MS}, ADMISSION_ACCOUNT_MAX_QUEUED_RUNS ${DEFAULT_ADMISSION_ACCOUNT_MAX_QUEUED_RUNS}; lifted: in-flight and queued bounds off or 100,000, event-loop bound 0 (off)`,
      placement: describePinning(),
    },
    rows: [
      { measure: "accepted reruns/s (32 connections, closed loop); sustained end to end (accepted ÷ time until all were executed); offered open-loop", value: `${fmt(sustained.accepted.okPerSec)}; ${fmt(sustained.sustainedPerSec)}; ${rate}/s` },
      ...summarize("admission as shipped", tallies.shipped, true),
      ...summarize("admission lifted", tallies.lifted, false),
    ],
    notes: [
      "Latency counts from each request's scheduled send, so time spent waiting for a socket or in the server's accept queue is included. Every accepted rerun queues a three-node run that the same process executes during the load.",
    ],
  };
}

mainFigure(import.meta.url, measureSaturation);
