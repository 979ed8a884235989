import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { loadMigrations, migrate, openPostgres } from "../../src/store/index.ts";
import { MIGRATION_LOCK_KEY } from "../../src/store/migrate.ts";
import { pollUntil } from "./support/checks.ts";
import { createFaultDatabase, SKIP_REASON, type FaultDatabase } from "./support/database.ts";
import { fleetEnv, runNode } from "./support/fleet.ts";

const MIGRATOR = fileURLToPath(new URL("./support/migrator.ts", import.meta.url));
const SLOW_MIGRATIONS = fileURLToPath(new URL("./fixtures/slow-migrations/", import.meta.url));

describe.skipIf(SKIP_REASON)(`migrations from several processes${SKIP_REASON ? ` (${SKIP_REASON})` : ""}`, () => {
  const databases: FaultDatabase[] = [];
  const fresh = async () => {
    const db = await createFaultDatabase("migrate");
    databases.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(databases.splice(0).map((db) => db.drop()));
  });

  it.each([
    { given: "Reprise's migrations", dir: undefined, want: loadMigrations().map((m) => m.version) },
    { given: "slow migrations that fail if run twice", dir: SLOW_MIGRATIONS, want: [1, 2] },
  ])("three processes migrating one fresh database at once apply each of $given exactly once", async ({ dir, want }) => {
    const db = await fresh();
    // The test holds the migration lock while the three start: each must queue on it, so they
    // overlap for certain, however slowly this machine starts them.
    const holder = await holdMigrationLock(db.url);
    const children = [1, 2, 3].map(() => runNode([MIGRATOR, ...(dir ? [dir] : [])], { DATABASE_URL: db.url }));
    try {
      const queued = await pollUntil(() => countLockWaiters(db), (n) => n === 3 || children.some((c) => c.done), 60_000);
      expect(queued, "migrators queued on the lock the test holds").toBe(3);
    } finally {
      await holder.end();
    }
    const results = await Promise.all(children.map((c) => c.result));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    const applied = results.map((r) => (JSON.parse(r.stdout) as { applied: number[] }).applied);
    expect(applied.flat().sort((a, b) => a - b)).toEqual(want);
    const rows = await db.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
    expect(rows.map((r) => r.version)).toEqual(want);
  });

  it("a process started against a schema newer than it knows refuses with a clear error and exits 1", async () => {
    const db = await fresh();
    const store = await openPostgres({ connectionString: db.url, poolSize: 1 });
    await migrate(store);
    await store.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())", [9_999, "from_a_newer_build"]);
    await store.close();
    const known = loadMigrations().at(-1)!.version;

    const { code, stdout, stderr } = await runNode(["bin/reprise.js", "start"], fleetEnv(db.url, { LOG_LEVEL: "silent" })).result;
    expect(code).toBe(1);
    expect(stdout).not.toMatch(/Altostrat Workflows API/); // it never listened
    expect(stderr).toContain(`reprise: The database is at schema version 9999, newer than this build knows (${known}).`);
    expect(stderr).toMatch(/refusing to run against a newer schema/);
    expect(stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});

/** A session of the test holding the migration advisory lock until `end()`. */
async function holdMigrationLock(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
  await client.connect();
  await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
  return client;
}

/** Sessions of this database waiting for the migration lock (a bigint key shows as two halves). */
async function countLockWaiters(db: FaultDatabase): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks
     WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND ((classid::bigint << 32) | objid::bigint) = $1`,
    [MIGRATION_LOCK_KEY],
  );
  return row?.n ?? 0;
}
