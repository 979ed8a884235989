import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpRequestComponent, NodeError, type ComponentServices, type NodeSpec } from "../../src/core/index.ts";
import { createGuardedFetch } from "../../src/core/net/guarded-fetch.ts";
import { nodeInput, testServices } from "../support/components.ts";

// A workflow can point http_request at an endpoint that accepts the connection and never answers, or
// answers headers and then stalls the body. The node's deadline must end the call, whatever the
// number of such nodes and whatever the garbage collector does meanwhile.

let silent: Server;
let stalling: HttpServer;
let silentBase: string;
let stallingBase: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  silent = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  silentBase = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  stalling = createHttpServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("the first part, and then nothing");
  });
  stalling.on("connection", (socket) => sockets.add(socket));
  await new Promise<void>((r) => stalling.listen(0, "127.0.0.1", r));
  stallingBase = `http://127.0.0.1:${(stalling.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([new Promise<void>((r) => silent.close(() => r())), new Promise<void>((r) => stalling.close(() => r()))]);
});

const http = (config: Record<string, unknown>): NodeSpec => ({ id: "call", type: "http_request", config });
const policy = { allowPrivateNetworks: true, allowedHosts: [], lookup: async () => [{ address: "127.0.0.1", family: 4 }] };
const fetchers: { name: string; services: () => ComponentServices }[] = [
  { name: "the guarded production fetch", services: () => testServices({ fetcher: createGuardedFetch(policy) }) },
  { name: "the platform fetch", services: () => testServices() },
  // A fetcher that ignores its signal entirely: the deadline still ends the node.
  { name: "a fetcher that never settles", services: () => testServices({ fetcher: () => new Promise<Response>(() => {}) }) },
];

async function timeToFail(run: Promise<unknown>): Promise<{ err: NodeError; ms: number }> {
  const started = performance.now();
  const err = (await run.then(
    () => undefined,
    (e: unknown) => e,
  )) as NodeError;
  return { err, ms: performance.now() - started };
}

/** The real gc(), exposed for this process if the runner did not. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

describe.each(fetchers)("http_request deadline with $name", ({ services }) => {
  it("fails a node with timeout_ms 300 soon after, against a listener that never answers", async () => {
    const { err, ms } = await timeToFail(httpRequestComponent.run(nodeInput(http({ method: "GET", url: `${silentBase}/`, timeout_ms: 300 }), { services: services() })));
    expect(err).toBeInstanceOf(NodeError);
    expect(err.message).toMatch(/timed out after 300 ms/);
    expect(err.code).toBe("http_timeout");
    expect(ms).toBeLessThan(5_000);
  });

  it("fails 32 concurrent nodes each on its own deadline", async () => {
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: 32 }, () =>
        timeToFail(httpRequestComponent.run(nodeInput(http({ method: "GET", url: `${silentBase}/`, timeout_ms: 300 }), { services: services() }))),
      ),
    );
    expect(outcomes.map(({ err }) => err.code)).toEqual(new Array(32).fill("http_timeout"));
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe("http_request deadline", () => {
  it("covers reading the body, not only the headers", async () => {
    const services = testServices({ fetcher: createGuardedFetch(policy) });
    const { err, ms } = await timeToFail(httpRequestComponent.run(nodeInput(http({ method: "GET", url: `${stallingBase}/`, timeout_ms: 300 }), { services })));
    expect(err).toMatchObject({ name: "NodeError", code: "http_timeout" });
    expect(err.message).toMatch(/timed out after 300 ms/);
    expect(ms).toBeLessThan(5_000);
  });

  it("covers a destination check whose DNS lookup never answers", async () => {
    const services = testServices({ allowPrivateNetworks: false });
    services.network = { ...services.network, lookup: () => new Promise(() => {}) };
    const { err, ms } = await timeToFail(httpRequestComponent.run(nodeInput(http({ method: "GET", url: "http://hangs.example/", timeout_ms: 300 }), { services })));
    expect(err).toMatchObject({ code: "http_timeout" });
    expect(ms).toBeLessThan(5_000);
  });

  it("uses the service default when the node sets no timeout_ms", async () => {
    const services = testServices({ fetcher: createGuardedFetch(policy), httpTimeoutMs: 250 });
    const { err } = await timeToFail(httpRequestComponent.run(nodeInput(http({ method: "GET", url: `${silentBase}/` }), { services })));
    expect(err.message).toMatch(/timed out after 250 ms/);
  });

  it("still fires while the garbage collector runs (the timer is held strongly)", async () => {
    const gc = collector();
    const collecting = setInterval(gc, 10);
    try {
      const started = performance.now();
      const outcomes = await Promise.all(
        Array.from({ length: 32 }, () =>
          timeToFail(
            httpRequestComponent.run(
              nodeInput(http({ method: "GET", url: `${silentBase}/`, timeout_ms: 300 }), { services: testServices({ fetcher: createGuardedFetch(policy) }) }),
            ),
          ),
        ),
      );
      expect(outcomes.map(({ err }) => err.code)).toEqual(new Array(32).fill("http_timeout"));
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      clearInterval(collecting);
    }
  });

  it("lets the worker's abort through instead of reporting a timeout", async () => {
    const controller = new AbortController();
    const run = httpRequestComponent.run(
      nodeInput(http({ method: "GET", url: `${silentBase}/`, timeout_ms: 10_000 }), { signal: controller.signal, services: testServices({ fetcher: createGuardedFetch(policy) }) }),
    );
    setTimeout(() => controller.abort(new Error("worker stopping")), 50);
    const { err, ms } = await timeToFail(run);
    expect(err).not.toBeInstanceOf(NodeError);
    expect(ms).toBeLessThan(5_000);
  });
});
