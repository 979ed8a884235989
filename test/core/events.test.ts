// A custom event starts the account's workflows of the caller's id style whose trigger names it,
// at most MAX_EVENT_WORKFLOWS of them (the oldest), each as an `event` run with the event's data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError, type Engine, type WorkflowDefinition } from "../../src/core/index.ts";
import { MAX_EVENT_WORKFLOWS } from "../../src/core/events.ts";
import type { Db } from "../../src/store/index.ts";
import type { ManualClock } from "../support/clock.ts";
import { storesUnderTest } from "../support/stores.ts";
import { addWorkflow, createTestEngine, newAccount } from "../support/engine.ts";

const subscribed = (event: string): WorkflowDefinition => ({ nodes: [{ id: "n1", type: "trigger", config: { event } }], edges: [] });

describe.each(storesUnderTest())("triggerEvent on $name", (store) => {
  let db: Db;
  let engine: Engine;
  let clock: ManualClock;
  beforeAll(async () => {
    db = await store.open();
    ({ engine, clock } = createTestEngine(db));
  });
  afterAll(() => db.close());

  const fire = (accountId: string, event: string) => engine.triggerEvent({ accountId, idStyle: "alloy", event, payload: { order: 7 }, endUserId: "u1" });

  it("starts only the subscribed workflows of the account and style, as event runs with the data", async () => {
    const accountId = await newAccount(engine);
    const paid = await addWorkflow(engine, accountId, subscribed("order.paid"), "alloy");
    await addWorkflow(engine, accountId, subscribed("order.refunded"), "alloy");
    await addWorkflow(engine, accountId, subscribed("order.paid"), "altostrat");
    await addWorkflow(engine, await newAccount(engine), subscribed("order.paid"), "alloy");
    const started = await fire(accountId, "order.paid");
    expect(started.map((s) => [s.run.workflowId, s.run.triggerType, s.run.triggerPayload, s.run.endUserId])).toEqual([[paid.id, "event", { order: 7 }, "u1"]]);
    expect(await fire(accountId, "order.shipped")).toEqual([]);
  });

  it(`starts at most ${MAX_EVENT_WORKFLOWS} workflows, the oldest first`, async () => {
    const accountId = await newAccount(engine);
    const ids: string[] = [];
    for (let i = 0; i < MAX_EVENT_WORKFLOWS + 2; i++) {
      ids.push((await addWorkflow(engine, accountId, subscribed("bulk"), "alloy")).id);
      clock.advance(1000);
    }
    const started = await fire(accountId, "bulk");
    expect(started.map((s) => s.run.workflowId)).toEqual(ids.slice(0, MAX_EVENT_WORKFLOWS));
  });

  it("refuses a trigger whose event is not an event name", async () => {
    const accountId = await newAccount(engine);
    const error = await addWorkflow(engine, accountId, subscribed("has space"), "alloy").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("invalid_workflow_definition");
    expect((error as DomainError).details?.problems).toEqual([{ path: "nodes[0].config.event", message: expect.stringContaining("event name") }]);
  });
});
