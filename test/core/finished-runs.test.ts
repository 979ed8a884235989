import { describe, expect, it } from "vitest";
import { createFinishedRunCache, FINISHED_RUN_TTL_MS } from "../../src/core/finished-runs.ts";
import type { RunWithLogs } from "../../src/core/index.ts";

const DAY = 86_400_000;
const t0 = new Date("2026-11-01T12:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

function run(status: RunWithLogs["status"], createdAt = t0): RunWithLogs {
  return { id: "fl_run_1", status, createdAt, logs: [] } as unknown as RunWithLogs;
}

describe("finished-run cache", () => {
  it.each([
    { status: "completed", cached: true },
    { status: "failed", cached: true },
    { status: "pending", cached: false },
    { status: "running", cached: false },
  ] as const)("a $status run is cached: $cached", ({ status, cached }) => {
    const cache = createFinishedRunCache({ maxEntries: 10, retentionDays: () => 7 });
    cache.remember("acct_a", run(status), t0);
    expect(cache.get("acct_a", "fl_run_1", at(1)) !== undefined).toBe(cached);
  });

  it("keeps only runs whose JSON fits the per-entry budget", () => {
    const cache = createFinishedRunCache({ maxEntries: 10, retentionDays: () => 7, maxEntryBytes: 500 });
    cache.remember("acct_a", { ...run("completed"), triggerPayload: { text: "x".repeat(100) } }, t0);
    expect(cache.get("acct_a", "fl_run_1", at(1))).toBeDefined();
    cache.clear();
    cache.remember("acct_a", { ...run("completed"), triggerPayload: { text: "x".repeat(1000) } }, t0);
    expect(cache.get("acct_a", "fl_run_1", at(1))).toBeUndefined();
  });

  it("is scoped to the account that read the run", () => {
    const cache = createFinishedRunCache({ maxEntries: 10, retentionDays: () => 7 });
    cache.remember("acct_a", run("completed"), t0);
    expect(cache.get("acct_b", "fl_run_1", at(1))).toBeUndefined();
  });

  it("forgets entries after the TTL, past the retention horizon, and on clear", () => {
    const cache = createFinishedRunCache({ maxEntries: 10, retentionDays: () => 7 });
    cache.remember("acct_a", run("completed"), t0);
    expect(cache.get("acct_a", "fl_run_1", at(FINISHED_RUN_TTL_MS))).toBeUndefined();

    cache.remember("acct_a", run("completed", at(-7 * DAY + 1000)), t0);
    expect(cache.get("acct_a", "fl_run_1", at(2000))).toBeUndefined();

    cache.remember("acct_a", run("completed"), t0);
    cache.clear();
    expect(cache.get("acct_a", "fl_run_1", at(1))).toBeUndefined();
  });
});
