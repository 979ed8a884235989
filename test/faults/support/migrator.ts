// A migrating process for the concurrent-migration test: connects, waits until the given instant so
// that all migrators start together, migrates, and prints {"applied":[…]} (or {"error":"…"}).
// Usage: DATABASE_URL=… node migrator.ts <startAtEpochMs> [migrationsDir]
import { loadMigrations, migrate, openPostgres } from "../../../src/store/index.ts";

const [startAt, dir] = process.argv.slice(2);
const db = await openPostgres({ connectionString: process.env.DATABASE_URL!, poolSize: 1 });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
try {
  const applied = await migrate(db, dir ? loadMigrations(dir) : undefined);
  process.stdout.write(`${JSON.stringify({ applied })}\n`);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ error: (err as Error).message })}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
}
