// Figure 4 — rerun to start: from the 202 answer (at the client) to the new run's first node
// starting (worker claim, and the first node log's started_at), at half the maximum rerun rate,
// embedded store. Run: npm run bench:latency
import { preciseNow } from "./lib/child-ipc.ts";
import { mainFigure } from "./lib/figure.ts";
import { runLoad } from "./lib/load.ts";
import { runOpenLoop } from "./lib/open-loop.ts";
import { describePinning } from "./lib/pin.ts";
import type { Figure } from "./lib/report.ts";
import { measureSustainedReruns, runRequests, startReprise, waitForBacklog, type RepriseChild } from "./lib/servers.ts";
import { fmt, quantile } from "./lib/stats.ts";

const MAX_S = 5;
const LOAD_S = Number(process.env.BENCH_LATENCY_S ?? 10);

/** Offset of the child's clock from ours (child − parent), from the ping with the shortest round trip. */
async function measureClockOffset(server: RepriseChild): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Number.POSITIVE_INFINITY };
  for (let i = 0; i < 30; i++) {
    const t0 = preciseNow();
    const child = await server.request<number>("now");
    const t1 = preciseNow();
    if (t1 - t0 < best.rtt) best = { offset: child - (t0 + t1) / 2, rtt: t1 - t0 };
  }
  return best;
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN, n: sorted.length };
}

/** Finds the maximum rerun rate, then replays half of it and matches each 202 with its run's start. */
export async function measureRerunLatency(): Promise<Figure> {
  const server = await startReprise({ store: "file" });
  const rerun = runRequests(server.info).rerun;
  await runLoad({ ...rerun, durationS: 2 });
  await waitForBacklog([server]);
  const sustained = await measureSustainedReruns(server, MAX_S);
  const max = sustained.accepted;
  const rate = Math.max(1, Math.floor(sustained.sustainedPerSec / 2));

  const answered = new Map<string, number>();
  const clock = await measureClockOffset(server);
  await server.request("track-claims");
  const load = await runOpenLoop({
    ...rerun,
    durationS: LOAD_S,
    rate,
    onResponse: (status, body, at) => {
      if (status === 202) answered.set((JSON.parse(body) as { new_run: { id: string } }).new_run.id, at);
    },
  });
  await waitForBacklog([server], 60_000);
  const claims = await server.request<[string, number][]>("take-claims");
  const toClaim = claims.flatMap(([id, at]) => {
    const sent = answered.get(id);
    return sent === undefined ? [] : [at - clock.offset - sent];
  });
  const starts = await server.request<[string, number][]>("first-node-starts", { runIds: [...answered.keys()] });
  const toNode = starts.flatMap(([id, at]) => {
    const sent = answered.get(id);
    return sent === undefined ? [] : [at - clock.offset - sent];
  });
  const claim = percentiles(toClaim);
  const node = percentiles(toNode);
  return {
    id: "4-rerun-latency",
    title: "4. Rerun to start (embedded store, half the sustained rerun rate)",
    command: "npm run bench:latency",
    inputs: {
      load: `sustained rate: autocannon 32 connections × ${MAX_S} s, accepted reruns divided by the time until all of them were executed; then ${LOAD_S} s open-loop at ${rate}/s, evenly spaced, keep-alive`,
      placement: describePinning(),
      clocks: `client time of each 202 vs server time of the claim (performance.timeOrigin + now(), offset ${clock.offset.toFixed(2)} ms measured over IPC, round trip ${clock.rtt.toFixed(2)} ms) and vs the first node log's started_at (store, 1 ms resolution)`,
    },
    rows: [
      { measure: "maximum accepted reruns/s (32 connections); sustained end to end (accepted ÷ time until all were executed)", value: `${fmt(max.okPerSec)}; ${fmt(sustained.sustainedPerSec)}` },
      { measure: "offered / accepted reruns/s at half the sustained rate", value: `${rate} / ${fmt(load.okPerSec)}` },
      { measure: "202 → worker claim, p50 ms", value: fmt(claim.p50), target: "≤ 10 ms", met: claim.p50 <= 10 },
      { measure: "202 → worker claim, p99 ms", value: fmt(claim.p99), target: "≤ 50 ms", met: claim.p99 <= 50 },
      { measure: "202 → first node started_at, p50 / p99 / max ms", value: `${fmt(node.p50)} / ${fmt(node.p99)} / ${fmt(node.max)}` },
      { measure: "202 → claim p90 / max ms; runs matched", value: `${fmt(claim.p90)} / ${fmt(claim.max)}; ${claim.n} of ${answered.size}` },
      { measure: "rerun request latency at that rate (from its scheduled send), p50 / p99 ms", value: `${fmt(load.p50)} / ${fmt(load.p99)}` },
    ],
    notes: ["Negative values mean the worker claimed the run before the 202 reached the client (the notification beats the response)."],
  };
}

mainFigure(import.meta.url, measureRerunLatency);
