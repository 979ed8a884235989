// Every `column IN (…)` CHECK of the schema lists exactly the values of its TypeScript vocabulary,
// so a status or type added on one side only fails here. Node types have no CHECK on purpose: they
// live in definitions (jsonb) and logs' component_id, so a new node type needs no migration; a CHECK
// added for them must be mapped to NODE_TYPES below.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ID_STYLES, LOG_STATUSES, RERUN_JOB_STATES, RUN_STATUSES, TRIGGER_TYPES } from "../../src/domain/index.ts";
import type { Db } from "../../src/store/index.ts";
import { IDEMPOTENCY_STATES } from "../../src/store/records.ts";
import { readCheckLists } from "./support/catalog.ts";
import { storesUnderTest } from "../support/stores.ts";

const VOCABULARY: Record<string, readonly string[]> = {
  "runs.status": RUN_STATUSES,
  "runs.trigger_type": TRIGGER_TYPES,
  "node_logs.status": LOG_STATUSES,
  "workflows.id_style": ID_STYLES,
  "idempotency_keys.state": IDEMPOTENCY_STATES,
  "rerun_jobs.state": RERUN_JOB_STATES,
};

const sorted = (lists: Iterable<[string, readonly string[]]>) => Object.fromEntries([...lists].map(([column, values]) => [column, [...values].sort()]));

describe.each(storesUnderTest())("CHECK lists and the vocabulary on $name", (store) => {
  let db: Db;
  beforeAll(async () => {
    db = await store.open();
  });
  afterAll(() => db.close());

  it("every CHECK list has a vocabulary, and each lists the same values", async () => {
    expect(sorted(await readCheckLists(db))).toEqual(sorted(Object.entries(VOCABULARY)));
  });
});
