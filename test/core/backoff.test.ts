import { describe, expect, it } from "vitest";
import { createBackoff } from "../../src/core/index.ts";
import { StoreUnavailableError } from "../../src/store/index.ts";

describe("worker backoff while the store is unreachable", () => {
  const outage = new StoreUnavailableError("PostgreSQL is unavailable: ECONNREFUSED");

  it("doubles the pause from the poll interval up to the cap, and a success ends it", () => {
    let now = 0;
    const backoff = createBackoff(200, 1_000, () => now);
    const pauses: number[] = [];
    for (let i = 0; i < 5; i++) {
      backoff.fail(outage);
      const start = now;
      while (backoff.isWaiting()) now += 10;
      pauses.push(now - start);
    }
    expect(pauses).toEqual([200, 400, 800, 1_000, 1_000]);
    backoff.fail(outage);
    backoff.succeed();
    expect(backoff.isWaiting()).toBe(false);
  });

  it.each([
    { given: "a store outage wrapped as a domain error's cause", err: new Error("store_unavailable", { cause: outage }), want: true },
    { given: "an SQL error", err: Object.assign(new Error("duplicate key"), { code: "23505" }), want: false },
    { given: "a bug", err: new TypeError("x is undefined"), want: false },
  ])("pauses for $given: $want", ({ err, want }) => {
    const backoff = createBackoff(200, 1_000, () => 0);
    backoff.fail(err);
    expect(backoff.isWaiting()).toBe(want);
  });
});
