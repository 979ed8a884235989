import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/core/index.ts";
import { openPostgres, StoreUnavailableError } from "../../src/store/index.ts";
import { createTestEngine } from "../support/engine.ts";
import { storesUnderTest } from "../support/stores.ts";

describe.each(storesUnderTest())("store outage on $name", (store) => {
  it("verbs answer store_unavailable once the store is gone", async () => {
    const db = await store.open();
    const { engine } = createTestEngine(db);
    const accountId = (await engine.createAccount({ name: "x" })).id;
    await db.close();
    const err = await engine.getRun(accountId, "fl_run_x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: "store_unavailable" });
    expect((err as DomainError).cause).toBeInstanceOf(StoreUnavailableError);
  });
});

describe("openPostgres", () => {
  it("reports an unreachable server as StoreUnavailableError", async () => {
    const err = await openPostgres({ connectionString: "postgres://nobody:x@127.0.0.1:9/none", poolSize: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).toMatch(/PostgreSQL is unavailable: .*ECONNREFUSED/);
  });
});
