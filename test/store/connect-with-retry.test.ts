import { describe, expect, it } from "vitest";
import { connectWithRetry, describePostgresTarget, StoreStartupTimeoutError } from "../../src/store/connect-with-retry.ts";
import { MigrationError, StoreUnavailableError } from "../../src/store/db.ts";

/** A clock that only moves when the code under test sleeps (or an attempt takes time). */
function createVirtualTime() {
  let now = 0;
  const pauses: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      pauses.push(ms);
      now += ms;
    },
    pass: (ms: number) => void (now += ms),
    pauses,
  };
}

const unreachable = () => new StoreUnavailableError("PostgreSQL is unavailable: connect ECONNREFUSED 127.0.0.1:1");

describe("connectWithRetry: start-up against a store that is not reachable yet", () => {
  it("retries an unreachable store with doubling pauses, capped, until it answers", async () => {
    const time = createVirtualTime();
    let attempts = 0;
    const result = await connectWithRetry(
      async () => {
        if (++attempts < 7) throw unreachable();
        return "open";
      },
      { target: "PostgreSQL at db:5432/reprise", deadlineMs: 60_000, initialDelayMs: 250, maxDelayMs: 2_000, ...time },
    );
    expect(result).toBe("open");
    expect(time.pauses).toEqual([250, 500, 1_000, 2_000, 2_000, 2_000]);
  });

  it("also retries a failure whose cause is the store being unreachable (a migration cut off mid-way)", async () => {
    const time = createVirtualTime();
    let attempts = 0;
    await connectWithRetry(
      async () => {
        if (++attempts === 1) throw new Error("migrating failed", { cause: unreachable() });
      },
      { target: "t", deadlineMs: 10_000, ...time },
    );
    expect(attempts).toBe(2);
  });

  it("gives up at the deadline with one line naming the target, the deadline and the last reason", async () => {
    const time = createVirtualTime();
    const retries: number[] = [];
    const failing = connectWithRetry(
      async () => {
        time.pass(1_000); // each attempt takes a second (a connect timing out)
        throw unreachable();
      },
      { target: "PostgreSQL at db:5432/reprise", deadlineMs: 10_000, deadlineSetting: "STORE_STARTUP_TIMEOUT_MS", onRetry: (r) => retries.push(r.attempt), ...time },
    );
    const err = await failing.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreStartupTimeoutError);
    const message = (err as Error).message;
    expect(message).toBe(
      `could not reach PostgreSQL at db:5432/reprise within 10 s (${retries.length + 1} attempts, STORE_STARTUP_TIMEOUT_MS); ` +
        "last error: PostgreSQL is unavailable: connect ECONNREFUSED 127.0.0.1:1",
    );
    expect(message).not.toContain("\n");
    // The last pause ends exactly at the deadline; the attempt made then is the last one.
    expect(time.pauses.reduce((a, b) => a + b, 0) + (retries.length + 1) * 1_000).toBe(10_000 + 1_000);
    expect(time.now()).toBe(11_000);
  });

  it("throws other failures at once: waiting does not fix a newer schema or a wrong password", async () => {
    const time = createVirtualTime();
    let attempts = 0;
    const refused = new MigrationError("The database is at schema version 9999, newer than this build knows (12).");
    await expect(
      connectWithRetry(
        async () => {
          attempts++;
          throw refused;
        },
        { target: "t", deadlineMs: 60_000, ...time },
      ),
    ).rejects.toBe(refused);
    expect(attempts).toBe(1);
    expect(time.pauses).toEqual([]);
  });

  it("with a deadline of 0 tries exactly once", async () => {
    const time = createVirtualTime();
    let attempts = 0;
    const attempt = async () => {
      attempts++;
      throw unreachable();
    };
    await expect(connectWithRetry(attempt, { target: "t", deadlineMs: 0, ...time })).rejects.toBeInstanceOf(StoreStartupTimeoutError);
    expect(attempts).toBe(1);
  });

  it("names what a connection string reaches without its credentials", () => {
    expect(describePostgresTarget("postgres://reprise:secret@db.internal:6543/reprise?sslmode=require")).toBe("PostgreSQL at db.internal:6543/reprise");
    expect(describePostgresTarget("postgres://u:p@127.0.0.1/app")).toBe("PostgreSQL at 127.0.0.1:5432/app");
  });
});
