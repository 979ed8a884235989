// The schema a fresh store migrates to, as a committed file: a changed column, CHECK list or index
// shows up in review as a diff of test/store/schema.snapshot.txt. After changing a migration on
// purpose, rewrite the file with `npx vitest run test/store/schema-snapshot.test.ts -u` and commit it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/store/index.ts";
import { dumpSchema } from "./support/catalog.ts";
import { storesUnderTest } from "../support/stores.ts";

describe.each(storesUnderTest())("schema of a fresh store on $name", (store) => {
  let db: Db;
  beforeAll(async () => {
    db = await store.open();
  });
  afterAll(() => db.close());

  it("matches the committed snapshot", async () => {
    const header = "# The schema a fresh store migrates to. Written by test/store/schema-snapshot.test.ts: run it with -u to rewrite.\n\n";
    await expect(header + (await dumpSchema(db))).toMatchFileSnapshot("./schema.snapshot.txt");
  });
});
