import type { Db } from "../db.ts";

/** Resolves when the store answers a trivial statement; rejects as any query would when it cannot. */
export async function pingStore(db: Db): Promise<void> {
  await db.query("SELECT 1");
}
