import { describe, expect, it } from "vitest";
import { resolveStore, type ResolvedStore, type StoreLocation } from "../../src/store/index.ts";

describe("resolveStore", () => {
  it.each<{ given: StoreLocation; want: ResolvedStore }>([
    {
      given: { kind: "postgres", databaseUrl: "postgres://reprise:secret@db.internal:6543/runs", poolSize: 4, startupTimeoutMs: 5_000 },
      want: {
        options: { databaseUrl: "postgres://reprise:secret@db.internal:6543/runs", poolSize: 4 },
        description: "PostgreSQL at db.internal:6543/runs",
        startupRetry: { deadlineMs: 5_000 },
      },
    },
    { given: { kind: "file", dataDir: "/var/lib/reprise", thread: "inline" }, want: { options: { dataDir: "/var/lib/reprise", thread: "inline" }, description: "PGlite in /var/lib/reprise" } },
    { given: { kind: "memory", thread: "inline" }, want: { options: { memory: true, thread: "inline" }, description: "PGlite in memory" } },
    {
      given: { kind: "file", dataDir: "/var/lib/reprise", thread: "worker" },
      want: { options: { dataDir: "/var/lib/reprise", thread: "worker" }, description: "PGlite in /var/lib/reprise (on its own thread)" },
    },
  ])("opens and names a $given.kind store, retrying only a server at start-up", ({ given, want }) => {
    const resolved = resolveStore(given);
    expect(resolved).toEqual(want);
    expect(resolved.description).not.toContain("secret");
  });
});
