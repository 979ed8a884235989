import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resolveDeps } from "../../src/core/deps.ts";
import { DestinationRefusedError, findInChain, type Lookup, type NetworkPolicy } from "../../src/core/components/network-policy.ts";
import { httpRequestComponent, NodeError, type NodeSpec } from "../../src/core/index.ts";
import { createGuardedFetch, createGuardedLookup } from "../../src/core/net/guarded-fetch.ts";
import type { Db } from "../../src/store/index.ts";
import { nodeInput, testServices } from "../support/components.ts";

// A tenant controls the URL of an http_request node, and may control the DNS of its host. Whatever
// it does, the connection must not reach a private address unless the operator allows it.

let server: Server;
let port: number;
const received: IncomingMessage["headers"][] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push(req.headers);
    res.writeHead(200, { "content-type": "application/json" }).end('{"secret":"internal"}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  received.length = 0;
});

const PUBLIC = { address: "93.184.216.34", family: 4 };
const LOOPBACK = { address: "127.0.0.1", family: 4 };
const http = (url: string): NodeSpec => ({ id: "call", type: "http_request", config: { method: "GET", url, timeout_ms: 5_000 } });
const strict = (lookup: Lookup, allowedHosts: string[] = []): NetworkPolicy => ({ allowPrivateNetworks: false, allowedHosts, lookup });

/** A resolver that answers a public address the first time and loopback afterwards (DNS rebinding). */
function rebinding(): Lookup & { calls: number } {
  const lookup = Object.assign(
    async () => {
      lookup.calls++;
      return lookup.calls === 1 ? [PUBLIC] : [LOOPBACK];
    },
    { calls: 0 },
  );
  return lookup;
}

async function failure(run: Promise<unknown>): Promise<NodeError> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NodeError);
  return err as NodeError;
}

describe("DNS rebinding", () => {
  it("a name answering public at check time and loopback at connect time cannot reach a local listener", async () => {
    const lookup = rebinding();
    const policy = strict(lookup);
    const services = { ...testServices(), network: policy, fetcher: createGuardedFetch(policy) };
    const err = await failure(httpRequestComponent.run(nodeInput(http(`http://rebind.example:${port}/`), { services })));
    expect(lookup.calls).toBeGreaterThanOrEqual(2); // the early check, then the connection's own
    expect(err.code).toBe("destination_refused");
    expect(err.message).toBe("destination rebind.example is refused: it resolves to a private or reserved address");
    expect(err.message).not.toContain("127.0.0.1");
    expect(received).toHaveLength(0);
  });

  it("the same answers do reach the listener when the policy allows private networks (control)", async () => {
    const lookup = rebinding();
    await lookup("rebind.example"); // the early check's answer: public
    const res = await createGuardedFetch({ ...strict(lookup), allowPrivateNetworks: true })(`http://rebind.example:${port}/`);
    expect(res.status).toBe(200);
    await res.text();
    expect(received).toHaveLength(1);
  });

  it("the engine's default fetcher is the guarded one", async () => {
    const deps = resolveDeps({ db: {} as Db, lookup: async () => [LOOPBACK], config: { allowPrivateNetworks: false } });
    const err = await deps.fetcher(`http://rebind.example:${port}/`).catch((e: unknown) => e);
    expect(findInChain(err, (e) => e instanceof DestinationRefusedError)).toBeDefined();
    expect(received).toHaveLength(0);
  });

  it("the engine's default fetcher connects through the injected lookup when private networks are allowed", async () => {
    const deps = resolveDeps({ db: {} as Db, lookup: async () => [LOOPBACK], config: { allowPrivateNetworks: true } });
    const res = await deps.fetcher(`http://only-the-injected-lookup-knows.test:${port}/`);
    expect(res.status).toBe(200);
    await res.text();
    expect(received[0]?.host).toBe(`only-the-injected-lookup-knows.test:${port}`);
  });
});

describe("the guarded fetch", () => {
  it("connects to exactly the address its lookup checked", async () => {
    // svc.test exists only in the injected lookup; the request arriving proves the socket used that answer.
    const fetcher = createGuardedFetch(strict(async () => [LOOPBACK], ["svc.test"]));
    const res = await fetcher(`http://svc.test:${port}/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ secret: "internal" });
    expect(received.map((h) => h.host)).toEqual([`svc.test:${port}`]);
  });

  it("refuses a name when ANY of its addresses is private", async () => {
    const fetcher = createGuardedFetch(strict(async () => [PUBLIC, LOOPBACK]));
    const err = await fetcher(`http://mixed.example:${port}/`).catch((e: unknown) => e);
    const refused = findInChain(err, (e) => e instanceof DestinationRefusedError) as DestinationRefusedError;
    expect(refused).toMatchObject({ host: "mixed.example", address: "127.0.0.1" });
    expect(received).toHaveLength(0);
  });

  it.each([
    `http://127.0.0.1:PORT/`,
    `http://[::ffff:127.0.0.1]:PORT/`,
    `http://2130706433:PORT/`,
    `http://0x7f.1:PORT/`,
  ])("refuses the literal address %s before connecting", async (template) => {
    const lookup = vi.fn<Lookup>(async () => [PUBLIC]);
    const fetcher = createGuardedFetch(strict(lookup));
    const err = await fetcher(template.replace("PORT", String(port))).catch((e: unknown) => e);
    expect(findInChain(err, (e) => e instanceof DestinationRefusedError)).toBeDefined();
    expect(lookup).not.toHaveBeenCalled();
    expect(received).toHaveLength(0);
  });

  it("hands net.connect only the checked addresses, of the family it asks for", async () => {
    const lookup = createGuardedLookup(strict(async () => [PUBLIC, { address: "2606:4700::1111", family: 6 }]));
    const answer = (options: object) =>
      new Promise((resolve, reject) => lookup("dual.example", options, (err, address, family) => (err ? reject(err) : resolve({ address, family }))));
    await expect(answer({ all: true })).resolves.toEqual({ address: [{ address: "93.184.216.34", family: 4 }, { address: "2606:4700::1111", family: 6 }], family: undefined });
    await expect(answer({ family: 6 })).resolves.toEqual({ address: "2606:4700::1111", family: 6 });
    await expect(answer({})).resolves.toEqual({ address: "93.184.216.34", family: 4 });
  });
});

describe("tenant-facing errors", () => {
  it.each([
    { url: "http://[::127.0.0.1]/", why: "IPv4-compatible loopback" },
    { url: "http://[2002:7f00:1::]/", why: "6to4 of loopback" },
    { url: "http://[64:ff9b::a9fe:a9fe]/", why: "NAT64 of the metadata address" },
    { url: "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", why: "Teredo client loopback" },
    { url: "http://[::ffff:169.254.169.254]/", why: "IPv4-mapped metadata" },
  ])("refuses $url ($why) with destination_refused", async ({ url }) => {
    const fetcher = vi.fn<typeof fetch>();
    const services = { ...testServices({ allowPrivateNetworks: false }), fetcher };
    const err = await failure(httpRequestComponent.run(nodeInput(http(url), { services })));
    expect(err.code).toBe("destination_refused");
    expect(err.message).toMatch(/^destination \S+ is refused: it is a private or reserved address$/);
    expect(fetcher).not.toHaveBeenCalled();
  });

  it("a connection failure names the host the tenant wrote, never the address it resolved to", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const policy = strict(async () => [LOOPBACK], ["vm.internal"]);
    const services = { ...testServices(), network: policy, fetcher: createGuardedFetch(policy) };
    const err = await failure(httpRequestComponent.run(nodeInput(http(`http://vm.internal:${closedPort}/`), { services })));
    expect(err.message).toBe(`request to vm.internal:${closedPort} failed: ECONNREFUSED (connection refused)`);
    expect(err.code).toBe("request_failed");
    expect(err.message).not.toContain("127.0.0.1");
    expect(JSON.stringify(err.cause, Object.getOwnPropertyNames(err.cause))).toContain("127.0.0.1"); // for the server log
  });

  it("a name that does not resolve at connect time is host_not_found", async () => {
    const calls = { n: 0 };
    const policy = strict(async () => (calls.n++ === 0 ? [PUBLIC] : Promise.reject(new Error("SERVFAIL from 10.0.0.53"))));
    const services = { ...testServices(), network: policy, fetcher: createGuardedFetch(policy) };
    const err = await failure(httpRequestComponent.run(nodeInput(http(`http://flaky.example:${port}/`), { services })));
    expect(err).toMatchObject({ code: "host_not_found", message: "could not resolve host flaky.example" });
  });
});
