import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MigrationError, type Db } from "./db.ts";

/** One numbered migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The advisory lock migrations run under: any constant works, as long as every Reprise process uses it. */
export const MIGRATION_LOCK_KEY = 7_310_542_118;
const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));

/** Reads `NNNN_name.sql` files in version order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(join(dir, file), "utf8"),
    }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`Migration numbers must run 0001, 0002, …; found ${m.version} at position ${i + 1}`);
  });
  return migrations;
}

/**
 * Applies pending migrations, each in its own transaction under an advisory lock so concurrent
 * starters apply each file once. Refuses a database migrated by a newer build.
 * @returns the versions applied by this call
 */
export async function migrate(db: Db, migrations: Migration[] = loadMigrations()): Promise<number[]> {
  const known = migrations.at(-1)?.version ?? 0;
  const applied: number[] = [];
  for (const migration of migrations) {
    const didApply = await db.transaction(async (tx) => {
      const current = await lockAndReadVersion(tx, known);
      if (current >= migration.version) return false;
      try {
        await tx.query(migration.sql);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new MigrationError(`Migration ${pad(migration.version)}_${migration.name} failed: ${reason}`, { cause: err });
      }
      await tx.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())", [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  if (migrations.length === 0) await db.transaction((tx) => lockAndReadVersion(tx, known));
  return applied;
}

/** The highest applied migration version (0 for an empty database). */
export async function readSchemaVersion(db: Db): Promise<number> {
  const { rows } = await db.query<{ version: number | null }>(
    "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN NULL ELSE 0 END AS version",
  );
  if (rows[0]?.version === null) return 0;
  const max = await db.query<{ version: number | null }>("SELECT max(version) AS version FROM schema_migrations");
  return max.rows[0]?.version ?? 0;
}

async function lockAndReadVersion(tx: Db, known: number): Promise<number> {
  await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
  await tx.query(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)",
  );
  const { rows } = await tx.query<{ version: number | null }>("SELECT max(version) AS version FROM schema_migrations");
  const current = rows[0]?.version ?? 0;
  if (current > known) {
    throw new MigrationError(
      `The database is at schema version ${current}, newer than this build knows (${known}). ` +
        `Upgrade Reprise or point it at another database; refusing to run against a newer schema.`,
    );
  }
  return current;
}

function pad(n: number): string {
  return String(n).padStart(4, "0");
}
