import { describe, expect, it } from "vitest";
import { openPglite, type Db } from "../../../src/store/index.ts";
import { startAutovacuum, vacuumDueTables } from "../../../src/store/adapters/pglite-autovacuum.ts";

interface TableStats {
  n_live_tup: number;
  n_dead_tup: number;
  last_vacuum: Date | null;
  last_analyze: Date | null;
}

async function statsOf(db: Db, table: string): Promise<TableStats> {
  await db.query("SELECT pg_stat_force_next_flush()");
  const { rows } = await db.query<TableStats>("SELECT n_live_tup, n_dead_tup, last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = $1", [table]);
  return rows[0] as TableStats;
}

/** A table of `n` rows, each then updated once: n live rows and n dead ones. */
async function churn(db: Db, n: number): Promise<void> {
  await db.query("CREATE TABLE churn (id int PRIMARY KEY, state text NOT NULL)");
  await db.query("INSERT INTO churn SELECT i, 'pending' FROM generate_series(1, $1::int) AS i", [n]);
  await db.query("UPDATE churn SET state = 'done'");
}

describe("the embedded store's autovacuum", () => {
  it("vacuums and analyses a table whose dead rows pass PostgreSQL's default threshold, and leaves a quiet table alone", async () => {
    const db = await openPglite({ memory: true });
    try {
      await churn(db, 2000);
      await db.query("CREATE TABLE quiet (id int PRIMARY KEY)");
      await db.query("INSERT INTO quiet VALUES (1), (2)");
      const before = await statsOf(db, "churn");
      expect(before.n_dead_tup).toBe(2000);
      expect(before.last_vacuum).toBeNull();

      const done = await vacuumDueTables(db);
      expect(done).toContainEqual({ table: "churn", vacuumed: true });
      expect(done.map((d) => d.table)).not.toContain("quiet");
      const after = await statsOf(db, "churn");
      expect(after.n_dead_tup).toBe(0);
      expect(after.last_vacuum).not.toBeNull();
      expect(after.last_analyze).not.toBeNull();
      // Nothing changed since: the next check finds nothing due.
      expect(await vacuumDueTables(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("analyses a table that only grew (no dead rows), so the planner sees its real size", async () => {
    const db = await openPglite({ memory: true });
    try {
      await db.query("CREATE TABLE grown (id int PRIMARY KEY)");
      await db.query("INSERT INTO grown SELECT generate_series(1, 500)");
      expect(await vacuumDueTables(db)).toEqual([{ table: "grown", vacuumed: false }]);
      const { rows } = await db.query<{ reltuples: number }>("SELECT reltuples FROM pg_class WHERE relname = 'grown'");
      expect(rows[0]?.reltuples).toBe(500);
    } finally {
      await db.close();
    }
  });

  it("runs by itself at its interval until stopped", async () => {
    const db = await openPglite({ memory: true });
    const stop = startAutovacuum(db, 20);
    try {
      await churn(db, 300);
      await expect.poll(async () => (await statsOf(db, "churn")).last_vacuum, { timeout: 5000 }).not.toBeNull();
    } finally {
      stop();
      await db.close();
    }
  });
});
