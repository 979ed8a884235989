import fc from "fast-check";
import type { SpecOperationInfo } from "../../contract/support/index.ts";
import { checkInvalidAnswer, checkValidAnswer } from "./check-answer.ts";
import type { FuzzWorld } from "./fuzz-world.ts";
import { invalidRequest } from "./invalid-requests.ts";
import { sendRequest } from "./send-request.ts";
import { validRequest, type FuzzRequest } from "./valid-requests.ts";

/** Which property: valid requests get a documented answer, or invalid ones a documented 4xx. */
export type FuzzKind = "valid" | "invalid";

/** The seed every property derives its own from: FUZZ_SEED, else a fixed default (runs are reproducible). */
export const DEFAULT_FUZZ_SEED = 20251031;

/** Time a failing property may spend shrinking its counterexample, beyond the time its runs take. */
const SHRINK_BUDGET_MS = 20_000;

/** How one property run ended. */
export interface FuzzOutcome {
  operationId: string;
  kind: FuzzKind;
  seed: number;
  numRuns: number;
  failed: boolean;
  /** fast-check's report with the shrunk request and the seed and path that replay it. */
  report?: string;
  /** Requests whose answer broke the property, before shrinking. */
  counterexample?: FuzzRequest;
  ms: number;
  /** How many answers had each status (shrinking included), to see which paths the cases reached. */
  statuses: Record<number, number>;
}

/** Options of {@link runFuzzProperty}. */
export interface FuzzRunOptions {
  runs: number;
  baseSeed: number;
  /** Stop at the first failure instead of shrinking it (the mutation check only needs to know it fails). */
  endOnFailure?: boolean;
}

/**
 * Checks one property of one operation against a running server with `runs` generated requests.
 * Sequential on purpose: the run counter compares the store before and after each request.
 */
export async function runFuzzProperty(world: FuzzWorld, op: SpecOperationInfo, kind: FuzzKind, options: FuzzRunOptions): Promise<FuzzOutcome> {
  const seed = deriveSeed(options.baseSeed, `${op.api}.${op.operationId}.${kind}`);
  const arbitrary = kind === "valid" ? validRequest(op, world) : invalidRequest(op, world);
  const check = kind === "valid" ? checkValidAnswer : checkInvalidAnswer;
  const started = performance.now();
  const statuses: Record<number, number> = {};
  const property = fc.asyncProperty(arbitrary, async (request) => {
    const answer = await sendRequest(world, op.api, request);
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    const problems = check(op, request, answer);
    if (problems.length > 0) throw new Error(`${problems.join("\n")}\nanswer: ${answer.status} ${answer.text.slice(0, 400)}`);
  });
  // Shrinking replays requests; bound it so a failing property reports in reasonable time.
  const details = await fc.check(property, { numRuns: options.runs, seed, endOnFailure: options.endOnFailure ?? false, interruptAfterTimeLimit: SHRINK_BUDGET_MS + options.runs * 100 });
  const ms = performance.now() - started;
  const base = { operationId: op.operationId, kind, seed, numRuns: details.numRuns, failed: details.failed, ms, statuses };
  if (!details.failed) return base;
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const report = `${fc.defaultReportMessage(details)}\nProblem: ${error}\nReplay this run with FUZZ_SEED=${options.baseSeed} (property seed ${seed}).`;
  return { ...base, report, ...(details.counterexample ? { counterexample: details.counterexample[0] } : {}) };
}

/** Reads FUZZ_SEED and FUZZ_RUNS (defaults: a fixed seed, 200 runs per property). */
export function readFuzzSettings(env: Record<string, string | undefined>): { baseSeed: number; runs: number } {
  const seed = Number(env.FUZZ_SEED ?? DEFAULT_FUZZ_SEED);
  const runs = Number(env.FUZZ_RUNS ?? 200);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${env.FUZZ_SEED}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got ${env.FUZZ_RUNS}`);
  return { baseSeed: seed, runs };
}

function deriveSeed(base: number, label: string): number {
  let hash = base | 0;
  for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash | 0;
}
