import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { components, paths } from "../../generated/alloy/schema.d.ts";
import { ALLOY_API_VERSION, createAlloyClient, type AlloyClient } from "../../src/client/index.ts";
import { startPrismFor } from "../support/prism.ts";
import { listResponseCases } from "./support/response-cases.ts";

const ROUTE = "/workflows/{workflowId}/rerun/{executionId}";
const params = { path: { workflowId: "8c4fa2815d2802827283e0ad", executionId: "24c1c099-724caf49" } };

type RerunStarted = paths[typeof ROUTE]["post"]["responses"][200]["content"]["application/json"];
type AlloyError = components["schemas"]["Error"];

type Expectation = { kind: "started" } | { kind: "error"; codes: string[] };

/** What each documented status of the rerun operation must carry; a status missing here fails its case. */
const expectations: Record<number, Expectation> = {
  200: { kind: "started" },
  400: { kind: "error", codes: ["validation_failed", "malformed_json", "unsupported_api_version"] },
  401: { kind: "error", codes: ["unauthorized"] },
  404: { kind: "error", codes: ["workflow_not_found", "run_not_found"] },
  405: { kind: "error", codes: ["method_not_allowed"] },
  409: { kind: "error", codes: ["run_not_rerunnable"] },
  413: { kind: "error", codes: ["payload_too_large"] },
  415: { kind: "error", codes: ["unsupported_media_type"] },
  422: { kind: "error", codes: ["payload_not_mergeable"] },
  500: { kind: "error", codes: ["internal_error"] },
  503: { kind: "error", codes: ["store_unavailable", "overloaded"] },
};

// Every status (and every named example of it) the bundled spec documents for the rerun operation.
const cases = listResponseCases("alloy", ROUTE, "post");

describe("Alloy client against the Prism mock: POST /workflows/{workflowId}/rerun/{executionId}", () => {
  let mock: Awaited<ReturnType<typeof startPrismFor>>;
  let client: AlloyClient;

  beforeAll(async () => {
    mock = await startPrismFor("alloy");
    client = createAlloyClient({ baseUrl: mock.url, apiKey: "mock-key" });
  });
  afterAll(async () => mock?.stop());

  it("has one expectation per documented status, and none for undocumented ones", () => {
    const documented = [...new Set(cases.map((c) => c.status))].sort((a, b) => a - b);
    expect(documented).toContain(200);
    expect(Object.keys(expectations).map(Number)).toEqual(documented);
  });

  it.each(cases)("answers $name with a typed body when asked with Prefer", async (c) => {
    const want = expectations[c.status];
    if (!want) throw new Error(`status ${c.status} is documented but has no row in the expectations table`);

    const { data, error, response } = await client.POST(ROUTE, { params, headers: { Prefer: c.prefer } });
    expectTypeOf(data).toEqualTypeOf<RerunStarted | undefined>();
    expectTypeOf(error).toEqualTypeOf<AlloyError | undefined>();

    expect(response.status).toBe(c.status);
    for (const header of c.headers) expect(response.headers.get(header), `header ${header}`).not.toBeNull();
    if (c.value !== undefined) expect(data ?? error).toEqual(c.value);
    if (want.kind === "started") {
      expect(error).toBeUndefined();
      expect(data?.message).toBe("success");
      expect(data?.executionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}$/);
    } else {
      expect(data).toBeUndefined();
      expect(want.codes).toContain(error?.code);
      expect(error?.message).toEqual(expect.any(String));
    }
  });

  it("sends the API key and the API version exactly once on every request", async () => {
    const seen: Array<[string | null, string | null]> = [];
    const recording = createAlloyClient({
      baseUrl: mock.url,
      apiKey: "mock-key",
      fetch: (request) => {
        seen.push([request.headers.get("authorization"), request.headers.get("x-api-version")]);
        return fetch(request);
      },
    });
    const first = await recording.POST(ROUTE, { params, headers: { Prefer: "code=200" } });
    const second = await recording.POST(ROUTE, { params });
    expect([first.response.status, second.response.status]).toEqual([200, 200]);
    // Headers.get joins repeated values with ", ", so a doubled header would show here.
    expect(seen).toEqual([
      ["bearer mock-key", ALLOY_API_VERSION],
      ["bearer mock-key", ALLOY_API_VERSION],
    ]);
  });

  it("sends the API version it was given instead of the default", async () => {
    let version: string | null = null;
    const pinned = createAlloyClient({
      baseUrl: mock.url,
      apiKey: "mock-key",
      apiVersion: "2025-10",
      fetch: (request) => {
        version = request.headers.get("x-api-version");
        return fetch(request);
      },
    });
    await pinned.POST(ROUTE, { params });
    expect(version).toBe("2025-10");
  });

  it("is refused by the mock with its 422 when the key and version headers are missing", async () => {
    // Alloy declares both as required header parameters (not a security scheme), so Prism refuses the
    // request and names the missing headers in `sl-violations`, answering with the operation's 422 (its
    // choice for an invalid request before 400; the rerun documents one for its body); the real server answers 401.
    const url = `${mock.url}/workflows/${params.path.workflowId}/rerun/${params.path.executionId}`;
    const response = await fetch(url, { method: "POST" });
    expect(response.status).toBe(422);
    const violations = response.headers.get("sl-violations") ?? "";
    expect(violations).toContain("'authorization'");
    expect(violations).toContain("'x-api-version'");

    const { response: viaClient } = await client.POST(ROUTE, { params });
    expect(viaClient.status).toBe(200);
  });
});
