// A migrating process for the concurrent-migration test: connects, migrates, and prints
// {"applied":[…]} (or {"error":"…"}). The test holds the migration lock while these start, so all
// of them are queued on it at once, whatever the machine's load.
// Usage: DATABASE_URL=… node migrator.ts [migrationsDir]
import { loadMigrations, migrate, openPostgres } from "../../../src/store/index.ts";

const [dir] = process.argv.slice(2);
// A loaded machine may take seconds to connect; the test, not this limit, bounds the wait.
const db = await openPostgres({ connectionString: process.env.DATABASE_URL!, poolSize: 1, connectTimeoutMs: 60_000 });
try {
  const applied = await migrate(db, dir ? loadMigrations(dir) : undefined);
  process.stdout.write(`${JSON.stringify({ applied })}\n`);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ error: (err as Error).message })}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
}
