import assert from "node:assert/strict";
import { BOTH, SERVER } from "../checks.ts";
import { expectAnswer, expectError } from "../expect-answer.ts";
import type { Scenario } from "../run-scenarios.ts";
import { CONTRACT_EVENT, FINISHED, OVER_BODY_LIMIT, QUICK_WORKFLOW_NAME } from "./definitions.ts";

const API = "alloy";
const DATA = { orderId: "ord_1042", amount: 129.9 };

/** Starting workflows by custom event and by name. */
export const alloyEventAndName: Scenario = {
  name: "alloy event trigger and workflowName",
  apis: [API],
  unmet: (target) => (target.fixtures.alloyWorkflowId ? undefined : "no Alloy workflow subscribed to the contract event (CONTRACT_ALLOY_WORKFLOW_ID)"),
  async run(t) {
    const workflowId = t.fixtures.alloyWorkflowId!;
    const userId = `user-${crypto.randomUUID()}`;
    const read = (id: string) => t.alloy.GET("/logs/{executionId}", { params: { path: { executionId: id } } });

    const fired = await t.alloy.POST("/run/event", { body: { event: CONTRACT_EVENT, userId, data: DATA }, headers: t.prefer({ example: "twoWorkflows" }) });
    await t.check("triggerEvent answers 200 with the started executionIds", BOTH, () => {
      expectAnswer(API, "triggerEvent", fired, 200);
      assert.equal(fired.data?.message, "success");
    });
    await t.check("the subscribed workflow ran for the user with the event's data", SERVER, async () => {
      assert.equal(fired.data?.executionIds.length, 1);
      const exec = await t.waitFor(() => read(fired.data!.executionIds[0]!), (r) => FINISHED.has(r.data?.status ?? ""));
      assert.equal(exec.data?.workflowId, workflowId);
      assert.equal(exec.data?.userId, userId);
      assert.equal(exec.data?.executionMode, "trigger");
      assert.equal(exec.data?.status, "completed");
      assert.deepEqual(exec.data?.inputs, [{ connectorId: "trigger", data: DATA }]);
    });
    const nobody = await t.alloy.POST("/run/event", { body: { event: "contract.nobody_listens", userId, data: {} }, headers: t.prefer({ example: "noSubscriber" }) });
    await t.check("an event no workflow subscribes to starts nothing", BOTH, () => {
      expectAnswer(API, "triggerEvent", nobody, 200);
      assert.deepEqual(nobody.data?.executionIds, []);
    });
    const badName = await t.alloy.POST("/run/event", { body: { event: "not an event name", userId, data: {} }, headers: t.prefer({ code: 400 }) });
    await t.check("an event name with a space is 400 validation_failed", BOTH, () => expectError(API, "triggerEvent", badName, 400, "validation_failed"));
    const oversized = await t.alloy.POST("/run/event", { body: { event: CONTRACT_EVENT, userId, data: { padding: "x".repeat(OVER_BODY_LIMIT) } } });
    await t.check("an event over the server's body limit is 413 payload_too_large", SERVER, () => expectError(API, "triggerEvent", oversized, 413, "payload_too_large"));
    const plainText = await t.alloy.POST("/run/event", { body: { event: CONTRACT_EVENT, userId, data: {} }, bodySerializer: (b) => JSON.stringify(b), headers: { "content-type": "text/plain" } });
    await t.check("an event not sent as JSON is 415 unsupported_media_type", SERVER, () => expectError(API, "triggerEvent", plainText, 415, "unsupported_media_type"));
    const anonymous = await t.alloyWith({ apiKey: "not-a-key" }).POST("/run/event", { body: { event: CONTRACT_EVENT, userId, data: {} }, headers: t.prefer({ code: 401 }) });
    await t.check("an event with an unknown API key is 401 unauthorized", BOTH, () => expectError(API, "triggerEvent", anonymous, 401, "unauthorized"));

    const byName = await t.alloy.POST("/run/workflow", { body: { workflowName: QUICK_WORKFLOW_NAME, userId, data: DATA }, headers: t.prefer({ example: "started" }) });
    await t.check("runWorkflow by workflowName answers 200 with an executionId", BOTH, () => expectAnswer(API, "runWorkflow", byName, 200));
    await t.check("the workflow named is the one run", SERVER, async () => {
      const exec = await read(byName.data!.executionId);
      assert.equal(exec.data?.workflowId, workflowId);
    });
    const unknownName = await t.alloy.POST("/run/workflow", { body: { workflowName: "contract no such workflow", userId, data: {} }, headers: t.prefer({ code: 404 }) });
    await t.check("runWorkflow of an unknown workflowName is 404 workflow_not_found", BOTH, () => expectError(API, "runWorkflow", unknownName, 404, "workflow_not_found"));
    const both = await t.alloy.POST("/run/workflow", { body: { workflowId, workflowName: QUICK_WORKFLOW_NAME, userId, data: {} }, headers: t.prefer({ code: 400 }) });
    await t.check("naming the workflow by both workflowId and workflowName is 400", BOTH, () => expectError(API, "runWorkflow", both, 400, "validation_failed"));
  },
};
