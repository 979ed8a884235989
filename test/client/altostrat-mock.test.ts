import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import type { components, paths } from "../../generated/altostrat/schema.d.ts";
import { createAltostratClient, type AltostratClient } from "../../src/client/index.ts";
import { startPrismFor } from "../support/prism.ts";
import { listResponseCases } from "./support/response-cases.ts";

const ROUTE = "/workflows/runs/{runId}/rerun";
const RUN_ID = "fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4";
const params = { path: { runId: RUN_ID } };

type RerunAccepted = paths[typeof ROUTE]["post"]["responses"][202]["content"]["application/json"];
type ErrorResponse = components["schemas"]["ErrorResponse"];

type Expectation = { kind: "accepted" } | { kind: "error"; type: ErrorResponse["type"]; codes: string[] };

/** What each documented status of the rerun operation must carry; a status missing here fails its case. */
const expectations: Record<number, Expectation> = {
  202: { kind: "accepted" },
  400: { kind: "error", type: "invalid_request_error", codes: ["validation_failed", "malformed_json"] },
  401: { kind: "error", type: "authentication_error", codes: ["unauthorized"] },
  404: { kind: "error", type: "not_found_error", codes: ["run_not_found"] },
  405: { kind: "error", type: "invalid_request_error", codes: ["method_not_allowed"] },
  409: { kind: "error", type: "conflict_error", codes: ["run_not_rerunnable", "idempotency_key_in_use"] },
  413: { kind: "error", type: "invalid_request_error", codes: ["payload_too_large"] },
  415: { kind: "error", type: "invalid_request_error", codes: ["unsupported_media_type"] },
  422: { kind: "error", type: "invalid_request_error", codes: ["idempotency_key_mismatch", "payload_not_mergeable"] },
  500: { kind: "error", type: "api_error", codes: ["internal_error"] },
  503: { kind: "error", type: "api_error", codes: ["store_unavailable", "overloaded"] },
};

// Every status (and every named example of it) the bundled spec documents for the rerun operation.
const cases = listResponseCases("altostrat", ROUTE, "post");

describe("Altostrat client against the Prism mock: POST /workflows/runs/{runId}/rerun", () => {
  let mock: Awaited<ReturnType<typeof startPrismFor>>;
  let client: AltostratClient;

  beforeAll(async () => {
    mock = await startPrismFor("altostrat");
    client = createAltostratClient({ baseUrl: mock.url, token: "mock-token" });
  });
  afterAll(async () => mock?.stop());

  it("has one expectation per documented status, and none for undocumented ones", () => {
    const documented = [...new Set(cases.map((c) => c.status))].sort((a, b) => a - b);
    expect(documented).toContain(202);
    expect(Object.keys(expectations).map(Number)).toEqual(documented);
  });

  it.each(cases)("answers $name with a typed body when asked with Prefer", async (c) => {
    const want = expectations[c.status];
    if (!want) throw new Error(`status ${c.status} is documented but has no row in the expectations table`);

    const { data, error, response } = await client.POST(ROUTE, { params, headers: { Prefer: c.prefer } });
    expectTypeOf(data).toEqualTypeOf<RerunAccepted | undefined>();
    expectTypeOf(error).toEqualTypeOf<ErrorResponse | undefined>();

    expect(response.status).toBe(c.status);
    for (const header of c.headers) expect(response.headers.get(header), `header ${header}`).not.toBeNull();
    if (c.value !== undefined) expect(data ?? error).toEqual(c.value);
    if (want.kind === "accepted") {
      expect(error).toBeUndefined();
      expect(data?.message).toEqual(expect.any(String));
      expect(data?.new_run.id).toMatch(/^fl_run_[0-9a-z]{26}$/);
      expect(data?.new_run.status).toBe("pending");
      expect(data?.new_run.started_at).toEqual(expect.any(String));
    } else {
      expect(data).toBeUndefined();
      expect(error?.type).toBe(want.type);
      expect(want.codes).toContain(error?.code);
      expect(error?.message).toEqual(expect.any(String));
    }
  });

  it("sends the bearer token exactly once on every request", async () => {
    const seen: Array<string | null> = [];
    const recording = createAltostratClient({
      baseUrl: mock.url,
      token: "mock-token",
      fetch: (request) => {
        seen.push(request.headers.get("authorization"));
        return fetch(request);
      },
    });
    const first = await recording.POST(ROUTE, { params, headers: { Prefer: "code=202" } });
    const second = await recording.POST(ROUTE, { params, headers: { "Idempotency-Key": "5f2b1c9e-8d4a-4c3b-9a7e-2f1d0c6b8a94" } });
    expect([first.response.status, second.response.status]).toEqual([202, 202]);
    // Headers.get joins repeated values with ", ", so a doubled header would show here.
    expect(seen).toEqual(["Bearer mock-token", "Bearer mock-token"]);
  });

  it("gets 401 from the mock when the client has no token, whatever the Prefer header asks", async () => {
    const anonymous = createAltostratClient({ baseUrl: mock.url });
    const { data, error, response } = await anonymous.POST(ROUTE, { params, headers: { Prefer: "code=202" } });
    expect(response.status).toBe(401);
    expect(data).toBeUndefined();
    expect(error).toMatchObject({ type: "authentication_error", code: "unauthorized" });
  });

  it("accepts any runId format, as the vendor's published operation does", async () => {
    const { response } = await client.POST(ROUTE, { params: { path: { runId: "not-a-run-id" } } });
    expect(response.status).toBe(202);
  });
});
