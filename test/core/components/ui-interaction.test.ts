import { describe, expect, it } from "vitest";
import { DEFAULT_UI_TIMEOUT_SECONDS, MAX_UI_TIMEOUT_SECONDS, uiInteractionComponent } from "../../../src/core/components/index.ts";
import { nodeInput } from "../../support/components.ts";

const NOW = new Date("2025-10-31T12:00:00.000Z");

describe("ui_interaction", () => {
  it("waits until now + timeout_seconds, a day by default, and outputs nothing itself", async () => {
    const run = (config: Record<string, unknown>) => uiInteractionComponent.run(nodeInput({ id: "ask", type: "ui_interaction", config }, { now: NOW }));
    expect(await run({ timeout_seconds: 90 })).toEqual({ kind: "await", until: new Date(NOW.getTime() + 90_000) });
    expect(await run({})).toEqual({ kind: "await", until: new Date(NOW.getTime() + DEFAULT_UI_TIMEOUT_SECONDS * 1000) });
  });

  it.each([
    [{ timeout_seconds: 0 }, "p.timeout_seconds"],
    [{ timeout_seconds: 1.5 }, "p.timeout_seconds"],
    [{ timeout_seconds: MAX_UI_TIMEOUT_SECONDS + 1 }, "p.timeout_seconds"],
    [{ timeout_seconds: "60" }, "p.timeout_seconds"],
    [{ prompt: "x".repeat(2001) }, "p.prompt"],
    [{ input_schema: [] }, "p.input_schema"],
    [{ input_schema: { type: "object", properties: { a: { type: "nonsense" } } } }, "p.input_schema"],
  ])("refuses %j at %s", (config, path) => {
    expect(uiInteractionComponent.validateConfig(config, "p").map((p) => p.path)).toEqual([path]);
  });

  it("takes a bounded config with a draft-07 object schema", () => {
    const config = { prompt: "Approve?", timeout_seconds: MAX_UI_TIMEOUT_SECONDS, input_schema: { type: "object", required: ["ok"], properties: { ok: { type: "boolean" }, when: { type: "string", format: "date-time" } } } };
    expect(uiInteractionComponent.validateConfig(config, "p")).toEqual([]);
  });
});
