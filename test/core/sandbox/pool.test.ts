import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, SandboxError, type Sandbox } from "../../../src/core/index.ts";

const ENDLESS = "($f := function($n){ $f($n+1) }; $f(0))";
const evaluate = (expression: string, input: unknown = {}) => ({ kind: "evaluate" as const, expression, input });

describe("the sandbox pool", () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
  });

  it("fails the endless task with node_timeout and still answers the tasks queued behind it on the same process", async () => {
    sandbox = createSandbox({ processes: 1, timeoutMs: 300 });
    const endless = sandbox.run(evaluate(ENDLESS), { account: "a" });
    const behind = [1, 2, 3].map((n) => sandbox!.run(evaluate("$ * 2", n), { account: "a" }));
    await expect(endless).rejects.toMatchObject({ code: "node_timeout" });
    expect(await Promise.all(behind)).toEqual([1, 2, 3].map((n) => ({ kind: "json", json: String(n * 2) })));
  }, 30_000);

  it("lets a node lower the time limit but never raise it past the server's", async () => {
    sandbox = createSandbox({ processes: 1, timeoutMs: 400 });
    const raised = (await sandbox.run(evaluate(ENDLESS), { account: "a", timeoutMs: 60_000 }).catch((err: unknown) => err)) as SandboxError;
    expect(raised).toBeInstanceOf(SandboxError);
    expect(raised.message).toContain("400 ms");
    const lowered = (await sandbox.run(evaluate(ENDLESS), { account: "a", timeoutMs: 50 }).catch((err: unknown) => err)) as SandboxError;
    expect(lowered.message).toContain("50 ms");
  }, 30_000);

  it("serves accounts in turn: one account's queue of slow tasks does not hold another's task behind all of it", async () => {
    sandbox = createSandbox({ processes: 1, timeoutMs: 250 });
    await sandbox.run(evaluate("1"), { account: "warm-up" });
    const order: string[] = [];
    const slow = Array.from({ length: 8 }, (_, i) =>
      sandbox!.run(evaluate(ENDLESS), { account: "flood" }).catch(() => void order.push(`flood-${i}`)),
    );
    const other = sandbox.run(evaluate("'done'"), { account: "other" }).then(() => void order.push("other"));
    await Promise.all([...slow, other]);
    // At most the tasks already sent to the process (the running one and those queued in it) go first.
    expect(order.indexOf("other")).toBeLessThanOrEqual(3);
  }, 60_000);

  it("ends a process that runs out of heap with node_memory_exceeded, and the next task gets a fresh process", async () => {
    sandbox = createSandbox({ processes: 1, memoryMb: 32, timeoutMs: 10_000 });
    await expect(sandbox.run(evaluate("[1..10000000]"), { account: "a" })).rejects.toMatchObject({ code: "node_memory_exceeded" });
    expect(await sandbox.run(evaluate("1 + 1"), { account: "a" })).toEqual({ kind: "json", json: "2" });
  }, 60_000);

  it("refuses an output over the limit with node_output_too_large", async () => {
    sandbox = createSandbox({ processes: 1, maxOutputBytes: 1000 });
    await expect(sandbox.run(evaluate('$pad("x", 2000)'), { account: "a" })).rejects.toMatchObject({ code: "node_output_too_large" });
  }, 30_000);
});
