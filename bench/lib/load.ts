import autocannon from "autocannon";
import { startCpuSample, type CpuUse } from "./cpu.ts";

/** One load point: what autocannon sends, for how long, at what rate. */
export interface LoadSpec {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Concurrent connections (default 32). */
  connections?: number;
  /** Seconds of load (ignored when `amount` is set). */
  durationS?: number;
  /** Stop after this many requests instead of after a duration. */
  amount?: number;
  /** Requests per second over all connections (default: as fast as answers come). */
  overallRate?: number;
  /** Called with each answer (status and body), e.g. to record the run a rerun created. */
  onResponse?: (status: number, body: string) => void;
  /** Ends the load early; what was measured so far is returned. */
  signal?: AbortSignal;
}

/** What one load point measured. Latencies in ms. */
export interface LoadResult {
  /** 2xx answers per second. */
  okPerSec: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  durationS: number;
}

/** Runs one load point with autocannon (in this process, which is pinned to the load CPU). */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const onResponse = spec.onResponse;
  const run = autocannon({
    url: spec.url,
    connections: spec.connections ?? 32,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationS ?? 10 }),
    ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
    timeout: 30,
    requests: [
      {
        method: spec.method ?? "GET",
        headers: { ...(spec.body !== undefined ? { "content-type": "application/json" } : {}), ...spec.headers },
        ...(spec.body !== undefined ? { body: spec.body } : {}),
        ...(onResponse ? { onResponse: (status: number, body: string) => onResponse(status, body) } : {}),
      },
    ],
  });
  spec.signal?.addEventListener("abort", () => run.stop(), { once: true });
  const result = await run;
  const ok = result["2xx"];
  return {
    okPerSec: ok / result.duration,
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    durationS: result.duration,
  };
}

/** Several load points at once (e.g. one per server process): 2xx summed, worst p99, median p50. */
export async function runLoads(specs: LoadSpec[]): Promise<LoadResult> {
  const results = await Promise.all(specs.map(runLoad));
  if (results.length === 1) return results[0] as LoadResult;
  const durationS = Math.max(...results.map((r) => r.durationS));
  const ok = results.reduce((sum, r) => sum + r.ok, 0);
  const sorted = (pick: (r: LoadResult) => number) => results.map(pick).sort((a, b) => a - b);
  return {
    okPerSec: ok / durationS,
    ok,
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    p50: sorted((r) => r.p50)[Math.floor(results.length / 2)] as number,
    p90: Math.max(...sorted((r) => r.p90)),
    p99: Math.max(...sorted((r) => r.p99)),
    max: Math.max(...sorted((r) => r.max)),
    durationS,
  };
}

/** A variant of an interleaved comparison: a name and the load point(s) it runs. */
export interface Variant {
  name: string;
  spec: LoadSpec | LoadSpec[];
  /** Runs before each round of this variant (e.g. wait for a server's backlog to drain, set CPU affinity). */
  before?: () => Promise<void>;
  /** Server processes whose CPU use is reported. */
  pids?: number[];
  /** A counter read before and after each round (e.g. runs the workers finished); reported per second. */
  counter?: () => Promise<number>;
}

/** Per-variant totals over interleaved rounds. */
export interface InterleavedResult {
  name: string;
  rounds: (LoadResult & { cpu?: CpuUse; counterPerSec?: number })[];
  okPerSec: number;
  p50: number;
  /** Worst round's p99: conservative for every variant alike. */
  p99: number;
  non2xx: number;
  errors: number;
  /** Mean over rounds of the counter's rate, when the variant has one. */
  counterPerSec?: number;
  /** CPU use averaged over rounds, when the variant lists pids. */
  cpu?: CpuUse;
}

/**
 * Runs A B C, A B C, … so drift (thermal, other tenants, a growing store) hits every variant alike.
 * Each variant first gets an unmeasured warm-up of `warmupS` seconds.
 */
export async function runInterleaved(variants: Variant[], { rounds = 3, roundS = 5, warmupS = 2 } = {}): Promise<InterleavedResult[]> {
  const asList = (spec: LoadSpec | LoadSpec[]) => (Array.isArray(spec) ? spec : [spec]);
  for (const v of variants) {
    await v.before?.();
    if (warmupS > 0) await runLoads(asList(v.spec).map((s) => ({ ...s, durationS: warmupS })));
  }
  const results = variants.map((v) => ({ name: v.name, rounds: [] as InterleavedResult["rounds"] }));
  for (let r = 0; r < rounds; r++) {
    for (const [i, v] of variants.entries()) {
      await v.before?.();
      const counted = await v.counter?.();
      const stopCpu = startCpuSample(v.pids ?? []);
      const load = await runLoads(asList(v.spec).map((s) => ({ ...s, durationS: roundS })));
      const cpu = stopCpu();
      const counterPerSec = counted === undefined ? undefined : ((await (v.counter as () => Promise<number>)()) - counted) / load.durationS;
      results[i]?.rounds.push({ ...load, ...(v.pids ? { cpu } : {}), ...(counterPerSec === undefined ? {} : { counterPerSec }) });
    }
  }
  return results.map(({ name, rounds: rs }) => {
    const ok = rs.reduce((sum, x) => sum + x.ok, 0);
    const seconds = rs.reduce((sum, x) => sum + x.durationS, 0);
    const p50s = rs.map((x) => x.p50).sort((a, b) => a - b);
    const mean = (pick: (x: (typeof rs)[number]) => number) => rs.reduce((sum, x) => sum + pick(x), 0) / rs.length;
    const cpus = rs.map((x) => x.cpu).filter((c): c is CpuUse => c !== undefined);
    return {
      name,
      rounds: rs,
      okPerSec: ok / seconds,
      p50: p50s[Math.floor(p50s.length / 2)] as number,
      p99: Math.max(...rs.map((x) => x.p99)),
      non2xx: rs.reduce((sum, x) => sum + x.non2xx, 0),
      errors: rs.reduce((sum, x) => sum + x.errors, 0),
      ...(rs[0]?.counterPerSec !== undefined ? { counterPerSec: mean((x) => x.counterPerSec ?? 0) } : {}),
      ...(cpus.length > 0
        ? {
            cpu: {
              servers: cpus.reduce((sum, c) => sum + c.servers, 0) / cpus.length,
              postgres: cpus.reduce((sum, c) => sum + c.postgres, 0) / cpus.length,
              perCpu: (cpus[0] as CpuUse).perCpu.map((_, i) => cpus.reduce((sum, c) => sum + (c.perCpu[i] ?? 0), 0) / cpus.length),
            },
          }
        : {}),
    };
  });
}

/**
 * The ratio a/b of two interleaved variants as the median of per-round ratios: each round's pair ran
 * back to back, so a burst of load from another tenant spoils one pair, not the whole comparison.
 */
export function pairedRatio(a: InterleavedResult, b: InterleavedResult): number {
  const ratios = a.rounds.map((r, i) => r.okPerSec / (b.rounds[i]?.okPerSec ?? Number.NaN)).filter(Number.isFinite);
  ratios.sort((x, y) => x - y);
  return ratios.length === 0 ? Number.NaN : (ratios[Math.floor(ratios.length / 2)] as number);
}

/**
 * Answers per server CPU-second of `a` over those of `b`, round by round (the two ran back to back),
 * median over rounds: how much work each CPU-second buys, whatever CPU the machine gave each side.
 */
export function pairedPerCpuRatio(a: InterleavedResult, b: InterleavedResult): number {
  const perCpu = (x: InterleavedResult["rounds"][number] | undefined) => (x?.cpu && x.cpu.servers > 0 ? x.okPerSec / x.cpu.servers : Number.NaN);
  const ratios = a.rounds.map((r, i) => perCpu(r) / perCpu(b.rounds[i])).filter(Number.isFinite);
  ratios.sort((x, y) => x - y);
  return ratios.length === 0 ? Number.NaN : (ratios[Math.floor(ratios.length / 2)] as number);
}

/** Answers per CPU-second the variant's server processes used (median over rounds): throughput with stolen CPU factored out. */
export function perCpuSecond(r: InterleavedResult): number {
  const values = r.rounds.filter((x) => x.cpu && x.cpu.servers > 0).map((x) => x.okPerSec / (x.cpu as CpuUse).servers);
  values.sort((x, y) => x - y);
  return values.length === 0 ? Number.NaN : (values[Math.floor(values.length / 2)] as number);
}
