import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { checkStore, closeListener, createWorkerId } from "../src/lifecycle.ts";
import type { Db } from "../src/store/index.ts";

const dbAnswering = (query: () => Promise<{ rows: never[] }>): Db => ({
  kind: "postgres",
  query,
  transaction: () => Promise.reject(new Error("unused")),
  close: async () => {},
});

describe("checkStore (behind /readyz)", () => {
  it.each([
    { given: "a store that answers", query: async () => ({ rows: [] }), want: true },
    { given: "a store that refuses", query: () => Promise.reject(new Error("ECONNREFUSED")), want: false },
    { given: "a store that never answers", query: () => new Promise<never>(() => {}), want: false },
  ])("is $want for $given, within the timeout", async ({ query, want }) => {
    const started = performance.now();
    expect(await checkStore(dbAnswering(query), 100)).toBe(want);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("createWorkerId", () => {
  it("names the host and the process, and differs per call", () => {
    const id = createWorkerId(4242, "api-3.prod.example.com");
    expect(id).toMatch(/^wk_api-3_4242_[0-9a-f]{6}$/);
    expect(createWorkerId(4242, "api-3")).not.toBe(createWorkerId(4242, "api-3"));
  });
});

describe("closeListener", () => {
  it("refuses new connections at once and cuts a request still open after the grace period", async () => {
    const server = createServer(() => {}); // never answers
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const hanging = fetch(url).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const closed = closeListener(server, 200);
    await expect(fetch(url)).rejects.toThrow();
    await closed;
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(await hanging).toBeInstanceOf(Error);
  });
});
