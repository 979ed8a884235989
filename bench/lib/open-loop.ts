import http from "node:http";
import { preciseNow } from "./child-ipc.ts";
import { quantile } from "./stats.ts";

/** An open-loop load: requests leave on a fixed schedule, whether or not earlier ones were answered. */
export interface OpenLoopSpec {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  rate: number;
  durationS: number;
  /** Called with each answer, the (precise, epoch ms) time it completed, its latency from the scheduled send and its headers. */
  onResponse?: (status: number, body: string, at: number, latencyMs: number, headers: http.IncomingHttpHeaders) => void;
  /** A request unanswered this long (ms, from its send) is abandoned and counted in `errors`; unset: never. */
  timeoutMs?: number;
  /** Sockets the sender may open (default 256); beyond them requests wait in the sender, and that wait counts. */
  maxSockets?: number;
}

/** Answers and latencies of an open-loop load; latency counts from each request's scheduled time. */
export interface OpenLoopResult {
  sent: number;
  ok: number;
  failed: number;
  /** Requests that got no answer at all (connection errors, or abandoned after `timeoutMs`). */
  errors: number;
  okPerSec: number;
  p50: number;
  p99: number;
}

/**
 * Sends `rate` requests per second evenly spaced (autocannon's rate limit releases each second's quota
 * at once, which turns "half the maximum rate" into bursts of 32). Keep-alive sockets, as a client would.
 */
export async function runOpenLoop(spec: OpenLoopSpec): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.maxSockets ?? 256 });
  const total = Math.round(spec.rate * spec.durationS);
  const interval = 1000 / spec.rate;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now();
  const send = (scheduled: number) =>
    new Promise<void>((resolve) => {
      const req = http.request(spec.url, { method: spec.method ?? "GET", headers: spec.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const at = preciseNow();
          const latency = performance.now() - scheduled;
          latencies.push(latency);
          if (res.statusCode && res.statusCode < 300) ok++;
          else failed++;
          spec.onResponse?.(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"), at, latency, res.headers);
          resolve();
        });
      });
      const timer = spec.timeoutMs ? setTimeout(() => req.destroy(new Error("no answer in time")), spec.timeoutMs) : undefined;
      req.on("close", () => clearTimeout(timer));
      req.on("error", () => {
        failed++;
        errors++;
        resolve();
      });
      req.end();
    });
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(due));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { sent: total, ok, failed, errors, okPerSec: ok / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}
