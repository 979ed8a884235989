import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreUnavailableError, type Db } from "../../../src/store/index.ts";
import { pgliteOnItsOwnThread, STORE_THREAD, storesUnderTest } from "../../support/stores.ts";

// The worker-thread adapter is held to the same port whatever STORE_THREAD the run uses.
const stores = STORE_THREAD === "worker" ? storesUnderTest() : [...storesUnderTest(), pgliteOnItsOwnThread()];

describe.each(stores)("Db adapter on $name", (store) => {
  let db: Db;
  beforeAll(async () => {
    db = await store.open({ migrate: false });
    await db.query("CREATE TABLE items (id serial PRIMARY KEY, doc jsonb, n bigint, at timestamptz)");
  });
  afterAll(() => db.close());

  it("round-trips values: jsonb objects and strings, bigint as number, timestamptz as Date", async () => {
    const at = new Date("2025-01-02T03:04:05.678Z");
    await db.query("INSERT INTO items (doc, n, at) VALUES ($1::jsonb, $2, $3)", [JSON.stringify({ a: [1, "x"] }), 42, at]);
    await db.query("INSERT INTO items (doc, n, at) VALUES ($1::jsonb, $2, $3)", [JSON.stringify("just text"), 7, at]);
    const { rows } = await db.query<{ doc: unknown; n: number; at: Date }>("SELECT doc, n, at FROM items ORDER BY id");
    expect(rows).toEqual([
      { doc: { a: [1, "x"] }, n: 42, at },
      { doc: "just text", n: 7, at },
    ]);
  });

  it("runs a script of statements when given no values", async () => {
    const { rows } = await db.query<{ two: number }>("SELECT 1 AS one; SELECT 2 AS two");
    expect(rows).toEqual([{ two: 2 }]);
  });

  it("commits a transaction's writes together", async () => {
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO items (n) VALUES ($1)", [100]);
      await tx.query("INSERT INTO items (n) VALUES ($1)", [101]);
    });
    const { rows } = await db.query<{ c: number }>("SELECT count(*)::int AS c FROM items WHERE n >= $1", [100]);
    expect(rows[0]?.c).toBe(2);
  });

  it("rolls back every write when the transaction throws", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO items (n) VALUES ($1)", [200]);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const { rows } = await db.query<{ c: number }>("SELECT count(*)::int AS c FROM items WHERE n = $1", [200]);
    expect(rows[0]?.c).toBe(0);
  });

  it("a nested transaction joins the outer one", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.transaction((inner) => inner.query("INSERT INTO items (n) VALUES ($1)", [300]));
        throw new Error("outer fails");
      }),
    ).rejects.toThrow("outer fails");
    const { rows } = await db.query<{ c: number }>("SELECT count(*)::int AS c FROM items WHERE n = $1", [300]);
    expect(rows[0]?.c).toBe(0);
  });

  it("queries issued while a transaction is open never run inside it", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = db.transaction(async (t) => {
      await t.query("INSERT INTO items (n) VALUES ($1)", [400]);
      await gate;
      throw new Error("rolled back");
    });
    // Issued while the transaction is open: must neither see nor join its uncommitted row.
    const outside = db.query<{ c: number }>("SELECT count(*)::int AS c FROM items WHERE n = $1", [400]);
    const insertOutside = db.query("INSERT INTO items (n) VALUES ($1)", [401]);
    setTimeout(release, 20);
    await expect(tx).rejects.toThrow("rolled back");
    expect((await outside).rows[0]?.c).toBe(0);
    await insertOutside;
    const { rows } = await db.query<{ c: number }>("SELECT count(*)::int AS c FROM items WHERE n = $1", [401]);
    expect(rows[0]?.c).toBe(1);
  });

  it("delivers a notification sent inside a transaction after it commits", async () => {
    const received: string[] = [];
    const unlisten = await db.listen!("test_channel", (p) => received.push(p));
    await db.transaction(async (tx) => {
      await tx.query("SELECT pg_notify('test_channel', $1)", ["hello"]);
    });
    await expect.poll(() => received, { timeout: 2000, interval: 5 }).toEqual(["hello"]);
    await unlisten();
    await db.query("SELECT pg_notify('test_channel', $1)", ["after"]);
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toEqual(["hello"]);
  });

  it("surfaces SQL errors with their SQLSTATE code", async () => {
    await expect(db.query("SELECT * FROM no_such_table")).rejects.toMatchObject({ code: "42P01" });
  });
});

describe("PGlite on its own thread", () => {
  it("refuses statements once closed with StoreUnavailableError, as the inline adapter does", async () => {
    const db = await pgliteOnItsOwnThread().open({ migrate: false });
    await db.close();
    await expect(db.query("SELECT 1")).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(db.transaction((tx) => tx.query("SELECT 1"))).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it("keeps many statements in flight at once in order, and a transaction's own statements pinned to it", async () => {
    const db = await pgliteOnItsOwnThread().open({ migrate: false });
    try {
      await db.query("CREATE TABLE seq (n int)");
      const inTx = db.transaction(async (tx) => {
        for (let i = 0; i < 5; i++) await tx.query("INSERT INTO seq (n) VALUES ($1)", [1000 + i]);
        return (await tx.query<{ c: number }>("SELECT count(*)::int AS c FROM seq WHERE n >= $1", [1000])).rows[0]?.c;
      });
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => db.query<{ n: number }>("SELECT $1::int AS n", [i])));
      expect(answers.map((a) => a.rows[0]?.n)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(await inTx).toBe(5);
    } finally {
      await db.close();
    }
  });
});
