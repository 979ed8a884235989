import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadMigrations, migrate, MigrationError, openPostgres, readSchemaVersion, type Db } from "../../src/store/index.ts";
import { createTestSchema, DATABASE_URL, dropTestSchema, storesUnderTest } from "../support/stores.ts";

describe("loadMigrations", () => {
  it("reads the numbered files in order", () => {
    const migrations = loadMigrations();
    expect(migrations[0]).toMatchObject({ version: 1, name: "init" });
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it("refuses a gap in the numbering", () => {
    const dir = mkdtempSync(join(tmpdir(), "reprise-mig-"));
    writeFileSync(join(dir, "0001_a.sql"), "SELECT 1");
    writeFileSync(join(dir, "0003_c.sql"), "SELECT 1");
    expect(() => loadMigrations(dir)).toThrow(/0001, 0002/);
  });
});

describe.each(storesUnderTest())("migrate on $name", (store) => {
  const open: Db[] = [];
  const fresh = async () => {
    const db = await store.open({ migrate: false });
    open.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((db) => db.close()));
  });

  it("applies every migration once, records it, and then refuses a schema from a newer build", async () => {
    const db = await fresh();
    expect(await readSchemaVersion(db)).toBe(0);
    const applied = await migrate(db);
    expect(applied).toEqual(loadMigrations().map((m) => m.version));
    expect(await readSchemaVersion(db)).toBe(applied.at(-1));
    const { rows } = await db.query<{ c: number }>("SELECT count(*)::int AS c FROM runs");
    expect(rows[0]?.c).toBe(0);
    expect(await migrate(db)).toEqual([]);

    await db.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())", [999, "from_the_future"]);
    const err = await migrate(db).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    const known = loadMigrations().at(-1)!.version;
    expect((err as Error).message).toMatch(new RegExp(`schema version 999, newer than this build knows \\(${known}\\)`));
  });

  it("concurrent migrators apply each file exactly once", async () => {
    const db = await fresh();
    const results = await Promise.all([migrate(db), migrate(db), migrate(db)]);
    expect(results.flat().sort()).toEqual(loadMigrations().map((m) => m.version));
  });

  it("rolls back a failing migration and names it", async () => {
    const db = await fresh();
    const migrations = [
      { version: 1, name: "ok", sql: "CREATE TABLE first_table (id int)" },
      { version: 2, name: "broken", sql: "CREATE TABLE second_table (id int); SELECT * FROM missing_table" },
    ];
    await expect(migrate(db, migrations)).rejects.toThrow(/Migration 0002_broken failed/);
    expect(await readSchemaVersion(db)).toBe(1);
    const { rows } = await db.query<{ t: string | null }>("SELECT to_regclass('second_table')::text AS t");
    expect(rows[0]?.t).toBeNull();
  });
});

describe.runIf(DATABASE_URL)("migrate on postgres from separate processes' pools", () => {
  it("two pools migrating one schema at once apply each file once", async () => {
    const schema = await createTestSchema();
    const pools = await Promise.all([1, 2, 3].map(() => openPostgres({ connectionString: DATABASE_URL!, poolSize: 2, schema })));
    try {
      const results = await Promise.all(pools.map((db) => migrate(db)));
      expect(results.flat().sort()).toEqual(loadMigrations().map((m) => m.version));
    } finally {
      await Promise.all(pools.map((db) => db.close()));
      await dropTestSchema(schema);
    }
  });
});

