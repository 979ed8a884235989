// isProblem and readProblem against the Prism mock: a documented error status narrows the result to
// the API's error body (checked by the type checker too); a success or another status does not.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { components as AlloySchemas } from "../../generated/alloy/schema.d.ts";
import type { components as AltostratSchemas } from "../../generated/altostrat/schema.d.ts";
import { createAlloyClient, createAltostratClient, isProblem, readProblem } from "../../src/client/index.ts";
import { startPrismFor } from "../support/prism.ts";

const RUN_ID = "fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4";

describe("isProblem against the mocks", () => {
  let altostrat: Awaited<ReturnType<typeof startPrismFor>>;
  let alloy: Awaited<ReturnType<typeof startPrismFor>>;
  beforeAll(async () => {
    [altostrat, alloy] = await Promise.all([startPrismFor("altostrat"), startPrismFor("alloy")]);
  });
  afterAll(async () => Promise.all([altostrat?.stop(), alloy?.stop()]));

  it("narrows an Altostrat 404 to ErrorResponse and tells it from other statuses and from a success", async () => {
    const client = createAltostratClient({ baseUrl: altostrat.url, token: "mock-token" });
    const res = await client.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId: RUN_ID } }, headers: { Prefer: "code=404" } });
    expect(isProblem(res, 409)).toBe(false);
    if (!isProblem(res, 404)) throw new Error(`expected a 404 problem, got ${res.response.status}`);
    expectTypeOf(res.error).toEqualTypeOf<AltostratSchemas["schemas"]["ErrorResponse"]>();
    expectTypeOf(res.response.status).toEqualTypeOf<404>();
    expect(res.error).toMatchObject({ type: "not_found_error", code: "run_not_found" });
    expect(readProblem(res)).toMatchObject({ status: 404, body: { code: "run_not_found" } });

    const ok = await client.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId: RUN_ID } }, headers: { Prefer: "code=202" } });
    expect(isProblem(ok)).toBe(false);
    expect(readProblem(ok)).toBeUndefined();
    if (!isProblem(ok)) expectTypeOf(ok.data).toEqualTypeOf<typeof ok.data>();
  });

  it("narrows an Alloy 409 to Error, any status when none is given", async () => {
    const client = createAlloyClient({ baseUrl: alloy.url, apiKey: "any-key" });
    const res = await client.POST("/workflows/{workflowId}/rerun/{executionId}", {
      params: { path: { workflowId: "64f1c2a9b7e4d3f2a1b0c9d8", executionId: "37e974f0-5d0c4035" } },
      headers: { Prefer: "code=409" },
    });
    expect(isProblem(res)).toBe(true);
    if (!isProblem(res, 409)) throw new Error(`expected a 409 problem, got ${res.response.status}`);
    expectTypeOf(res.error).toEqualTypeOf<AlloySchemas["schemas"]["Error"]>();
    expect(typeof res.error.code).toBe("string");
    expect(res.error.message.length).toBeGreaterThan(0);
  });

  it("is false for a failure without a JSON body", () => {
    const res = { error: "Bad Gateway", response: new Response("Bad Gateway", { status: 502 }) };
    expect(isProblem(res, 502)).toBe(false);
  });
});
