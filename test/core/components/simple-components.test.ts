import { describe, expect, it } from "vitest";
import { conditionComponent, delayComponent, failComponent, isTruthy, NodeError, transformComponent, triggerComponent } from "../../../src/core/index.ts";
import { nodeInput } from "../../support/components.ts";

const context = { trigger: { order: { total: 120, items: [{ sku: "a", qty: 2 }, { sku: "b", qty: 1 }] } }, nodes: { n1: { status: 200 } } };

describe("trigger", () => {
  it("outputs the trigger payload", async () => {
    expect(await triggerComponent.run(nodeInput({ id: "t", type: "trigger" }, { context }))).toEqual({ kind: "output", output: context.trigger });
  });
});

describe("transform", () => {
  it.each([
    { expression: "trigger.order.total * 2", want: 240 },
    { expression: "trigger.order.items.sku", want: ["a", "b"] },
    { expression: '{"count": $count(trigger.order.items), "status": nodes.n1.status}', want: { count: 2, status: 200 } },
    { expression: "trigger.nothing", want: null },
  ])("$expression → $want", async ({ expression, want }) => {
    const result = await transformComponent.run(nodeInput({ id: "x", type: "transform", config: { expression } }, { context }));
    expect(result).toEqual({ kind: "output", output: want });
  });

  it("fails the node when evaluation throws", async () => {
    const run = transformComponent.run(nodeInput({ id: "x", type: "transform", config: { expression: '$error("nope")' } }, { context }));
    await expect(run).rejects.toThrow(NodeError);
    await expect(run).rejects.toThrow(/expression failed: nope/);
  });
});

describe("condition", () => {
  it.each([
    { expression: "trigger.order.total > 100", branch: "true" },
    { expression: "trigger.order.total > 1000", branch: "false" },
    { expression: "trigger.missing", branch: "false" },
    { expression: "trigger.order.items[qty > 5]", branch: "false" },
    { expression: "trigger.order.items[qty > 1]", branch: "true" },
  ])("$expression → branch $branch", async ({ expression, branch }) => {
    const result = await conditionComponent.run(nodeInput({ id: "c", type: "condition", config: { expression } }, { context }));
    expect(result).toEqual({ kind: "output", output: { result: branch === "true" }, branch });
  });

  it.each([
    { given: 0, want: false },
    { given: "", want: false },
    { given: [], want: false },
    { given: {}, want: false },
    { given: null, want: false },
    { given: 1, want: true },
    { given: "x", want: true },
    { given: [0], want: true },
    { given: { a: 1 }, want: true },
  ])("isTruthy($given) is $want", ({ given, want }) => expect(isTruthy(given)).toBe(want));
});

describe("delay", () => {
  it("asks the executor to wait until now + seconds", async () => {
    const now = new Date("2025-10-31T12:00:00Z");
    const result = await delayComponent.run(nodeInput({ id: "d", type: "delay", config: { seconds: 90 } }, { now }));
    expect(result).toEqual({ kind: "delay", until: new Date("2025-10-31T12:01:30Z"), output: { seconds: 90, resume_at: "2025-10-31T12:01:30.000Z" } });
  });
});

describe("fail", () => {
  it("fails with the templated message", async () => {
    await expect(failComponent.run(nodeInput({ id: "f", type: "fail", config: { message: "total {{ trigger.order.total }} too high" } }, { context }))).rejects.toThrow(
      new NodeError("total 120 too high"),
    );
  });
  it("fails with a default message", async () => {
    await expect(failComponent.run(nodeInput({ id: "f", type: "fail" }))).rejects.toThrow("workflow failed on purpose");
  });
});
