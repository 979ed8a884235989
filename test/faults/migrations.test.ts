import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loadMigrations, migrate, openPostgres } from "../../src/store/index.ts";
import { sleep } from "./support/checks.ts";
import { createFaultDatabase, SKIP_REASON, type FaultDatabase } from "./support/database.ts";
import { fleetEnv, REPO_ROOT } from "./support/fleet.ts";

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
    const startAt = Date.now() + 2_500; // after the three have started and connected
    const children = [1, 2, 3].map(() => runNode([MIGRATOR, String(startAt), ...(dir ? [dir] : [])], { DATABASE_URL: db.url }));
    // While one holds the migration lock, the others wait on it (the slow fixture makes this visible).
    let mostWaiting = 0;
    while (!children.every((c) => c.done)) {
      const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
      mostWaiting = Math.max(mostWaiting, row?.n ?? 0);
      await sleep(20);
    }
    const results = await Promise.all(children.map((c) => c.result));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    const applied = results.map((r) => (JSON.parse(r.stdout) as { applied: number[] }).applied);
    expect(applied.flat().sort((a, b) => a - b)).toEqual(want);
    const rows = await db.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
    expect(rows.map((r) => r.version)).toEqual(want);
    if (dir) expect(mostWaiting).toBeGreaterThanOrEqual(1);
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

/** Runs `node …args` from the repository root and collects its output. */
function runNode(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const handle = {
    done: false,
    result: new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.once("close", (code) => {
        handle.done = true;
        resolve({ code, stdout, stderr });
      }),
    ),
  };
  return handle;
}
