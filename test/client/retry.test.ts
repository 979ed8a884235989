// withRetry: what is sent again (GET; POST only with an Idempotency-Key), how long it waits (Retry-After
// in seconds or as a date, else a doubling backoff), and when it stops. Waits go to an injected sleep;
// answers come from the Prism mock or, for network errors and scripted sequences, an injected fetch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAltostratClient, readRetryAfter, withRetry, type RequestFetch } from "../../src/client/index.ts";
import { startPrismFor } from "../support/prism.ts";

const RUN_ID = "fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4";
const params = { path: { runId: RUN_ID } };

/** An injected fetch that answers from a script (a status with headers, or a thrown error) and records what it got. */
function scripted(script: Array<number | { status: number; headers?: Record<string, string> } | Error>) {
  const seen: Array<{ method: string; body: string }> = [];
  const fetch: RequestFetch = async (request) => {
    seen.push({ method: request.method, body: await request.text() });
    const step = script.shift() ?? 200;
    if (step instanceof Error) throw step;
    const { status, headers } = typeof step === "number" ? { status: step, headers: {} } : step;
    return new Response(JSON.stringify({ status }), { status, headers: { "content-type": "application/json", ...headers } });
  };
  return { fetch, seen };
}

describe("withRetry", () => {
  let mock: Awaited<ReturnType<typeof startPrismFor>>;
  beforeAll(async () => {
    mock = await startPrismFor("altostrat");
  });
  afterAll(async () => mock?.stop());

  it("retries a GET the mock answers 503 with its documented Retry-After, and gives up after the last attempt", async () => {
    const sleeps: number[] = [];
    let sent = 0;
    const client = createAltostratClient({
      baseUrl: mock.url,
      token: "mock-token",
      fetch: withRetry({ attempts: 3, sleep: async (ms) => void sleeps.push(ms), fetch: (request) => (sent++, fetch(request)) }),
    });
    const { error, response } = await client.GET("/workflows/runs/{runId}", { params, headers: { Prefer: "code=503" } });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(error?.code).toBe("store_unavailable");
    expect(sent).toBe(3);
    expect(sleeps).toEqual([5000, 5000]);
  });

  it("sends a POST without an Idempotency-Key once, and one with a key again with the same body", async () => {
    const once = scripted([503, 200]);
    const plain = createAltostratClient({ baseUrl: mock.url, token: "t", fetch: withRetry({ fetch: once.fetch, sleep: async () => {} }) });
    const first = await plain.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId: "wf_1" } }, body: { context: { n: 1 } } });
    expect(first.response.status).toBe(503);
    expect(once.seen).toHaveLength(1);

    const keyed = scripted([503, 502, 202]);
    const client = createAltostratClient({ baseUrl: mock.url, token: "t", fetch: withRetry({ fetch: keyed.fetch, sleep: async () => {} }) });
    const second = await client.POST("/workflows/runs/{runId}/rerun", { params: { ...params, header: { "Idempotency-Key": "k-1" } } });
    expect(second.response.status).toBe(202);
    expect(keyed.seen.map((s) => s.method)).toEqual(["POST", "POST", "POST"]);

    const withBody = scripted([429, 202]);
    const bodyClient = createAltostratClient({ baseUrl: mock.url, token: "t", fetch: withRetry({ fetch: withBody.fetch, sleep: async () => {} }) });
    await bodyClient.POST("/workflows/{workflowId}/execute", { params: { path: { workflowId: "wf_1" }, header: { "Idempotency-Key": "k-2" } }, body: { context: { n: 2 } } });
    expect(withBody.seen.map((s) => s.body)).toEqual(['{"context":{"n":2}}', '{"context":{"n":2}}']);
  });

  it("backs off by doubling after network errors and statuses without Retry-After, capped at maxDelayMs", async () => {
    const sleeps: number[] = [];
    const script = scripted([new TypeError("fetch failed"), 502, 504, new TypeError("fetch failed"), 200]);
    const retry = withRetry({ fetch: script.fetch, attempts: 5, baseDelayMs: 100, maxDelayMs: 500, sleep: async (ms) => void sleeps.push(ms) });
    const response = await retry(new Request("http://127.0.0.1:1/x"));
    expect(response.status).toBe(200);
    expect(sleeps).toEqual([100, 200, 400, 500]);
  });

  it("returns an answer whose Retry-After exceeds maxDelayMs, and does not retry a status outside its list or an abort", async () => {
    const long = scripted([{ status: 429, headers: { "Retry-After": "60" } }, 200]);
    expect((await withRetry({ fetch: long.fetch, sleep: async () => {} })(new Request("http://127.0.0.1:1/x"))).status).toBe(429);
    expect(long.seen).toHaveLength(1);

    const notListed = scripted([500, 200]);
    expect((await withRetry({ fetch: notListed.fetch, sleep: async () => {} })(new Request("http://127.0.0.1:1/x"))).status).toBe(500);

    const abort = new DOMException("aborted", "AbortError");
    const aborted = scripted([abort, 200]);
    await expect(withRetry({ fetch: aborted.fetch, sleep: async () => {} })(new Request("http://127.0.0.1:1/x"))).rejects.toBe(abort);
    expect(aborted.seen).toHaveLength(1);
  });

  it("throws the last network error once the attempts are used up", async () => {
    const error = new TypeError("fetch failed");
    const down = scripted([new TypeError("first"), error]);
    await expect(withRetry({ fetch: down.fetch, attempts: 2, sleep: async () => {} })(new Request("http://127.0.0.1:1/x"))).rejects.toBe(error);
  });

  it("reads Retry-After as seconds or as an HTTP date against the injected clock", async () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(readRetryAfter("3", now)).toBe(3000);
    expect(readRetryAfter("Thu, 01 Jan 2026 00:00:07 GMT", now)).toBe(7000);
    expect(readRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
    expect(readRetryAfter("soon", now)).toBeUndefined();
    expect(readRetryAfter(null, now)).toBeUndefined();

    const sleeps: number[] = [];
    const dated = scripted([{ status: 503, headers: { "Retry-After": "Thu, 01 Jan 2026 00:00:02 GMT" } }, 200]);
    await withRetry({ fetch: dated.fetch, now: () => now, sleep: async (ms) => void sleeps.push(ms) })(new Request("http://127.0.0.1:1/x"));
    expect(sleeps).toEqual([2000]);
  });
});
