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
    { given: { kind: "file", dataDir: "/var/lib/reprise" }, want: { options: { dataDir: "/var/lib/reprise" }, description: "PGlite in /var/lib/reprise" } },
    { given: { kind: "memory" }, want: { options: { memory: true }, description: "PGlite in memory" } },
  ])("opens and names a $given.kind store, retrying only a server at start-up", ({ given, want }) => {
    const resolved = resolveStore(given);
    expect(resolved).toEqual(want);
    expect(resolved.description).not.toContain("secret");
  });
});
