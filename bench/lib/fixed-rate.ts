import { Pool } from "undici";
import { quantile } from "./stats.ts";

/** One answer of a fixed-rate load: status, latency from its scheduled send (ms), and its Retry-After. */
export interface FixedRateAnswer {
  status: number;
  latencyMs: number;
  /** When it was due, ms after the load began. */
  dueMs: number;
  retryAfter: string | undefined;
}

/** What a fixed-rate load sent and got; `unanswered` counts connection errors and requests past the timeout. */
export interface FixedRateResult {
  sent: number;
  answers: FixedRateAnswer[];
  unanswered: number;
  /** How late the sender itself dispatched requests (ms after their scheduled time): p50, p99. */
  senderLateP50: number;
  senderLateP99: number;
  seconds: number;
}

/**
 * An open-loop sender on undici's pool: requests leave on a fixed schedule, evenly spaced, whether
 * or not earlier ones were answered (autocannon has no open-loop mode). Latency counts from each
 * request's scheduled time; the sender's own lateness is reported, so a starved sender shows as such.
 */
export async function sendAtFixedRate(spec: {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  rate: number;
  durationS: number;
  connections: number;
  timeoutMs: number;
}): Promise<FixedRateResult> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, { connections: spec.connections, pipelining: 1, headersTimeout: spec.timeoutMs, bodyTimeout: spec.timeoutMs });
  // The pool's connections are opened before the schedule starts, as a client's pool (a proxy, an SDK)
  // holds them warm: opened on demand they all arrive in the first second, and the handshakes of a few
  // hundred at once, not the server's requests, set the tail (up to 3 s in figure 12's first runs).
  await Promise.all(
    Array.from({ length: spec.connections }, () =>
      pool.request({ path: "/healthz", method: "GET" }).then(
        (res) => res.body.dump(),
        () => undefined,
      ),
    ),
  );
  const total = Math.round(spec.rate * spec.durationS);
  const interval = 1000 / spec.rate;
  const answers: FixedRateAnswer[] = [];
  const late: number[] = [];
  let unanswered = 0;
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now();
  const send = async (scheduled: number) => {
    late.push(performance.now() - scheduled);
    try {
      const res = await pool.request({ path: url.pathname + url.search, method: spec.method, headers: spec.headers, signal: AbortSignal.timeout(spec.timeoutMs) });
      await res.body.dump();
      const retryAfter = res.headers["retry-after"];
      answers.push({ status: res.statusCode, latencyMs: performance.now() - scheduled, dueMs: scheduled - t0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter });
    } catch {
      unanswered++;
    }
  };
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(due));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  await pool.destroy();
  late.sort((a, b) => a - b);
  return { sent: total, answers, unanswered, senderLateP50: quantile(late, 0.5), senderLateP99: quantile(late, 0.99), seconds };
}
