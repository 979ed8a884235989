import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { httpRequestComponent, isPrivateAddress, NodeError, type NodeSpec } from "../../../src/core/index.ts";
import { nodeInput, testServices } from "../../support/components.ts";

let server: Server;
let base: string;
const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url === "/unavailable") {
        res.writeHead(503, { "content-type": "application/json" }).end('{"error":"down"}');
      } else if (req.url === "/slow") {
        setTimeout(() => res.writeHead(200).end("late"), 500);
      } else if (req.url === "/text") {
        res.writeHead(200, { "content-type": "text/plain" }).end("plain words");
      } else if (req.url === "/big") {
        res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(2048));
      } else if (req.url === "/redirect") {
        res.writeHead(302, { location: "/echo?redirected=1" }).end();
      } else {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8", "x-echo": "yes" }).end(JSON.stringify({ got: body ? JSON.parse(body) : null, url: req.url }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const http = (config: Record<string, unknown>): NodeSpec => ({ id: "n2", type: "http_request", config });
const context = { trigger: { user: { id: 42, name: "Ada" } }, nodes: { n1: { token: "s3cret" } } };

describe("http_request", () => {
  it("templates url and headers and parses a JSON response", async () => {
    const result = await httpRequestComponent.run(
      nodeInput(http({ method: "GET", url: `${base}/echo/{{ trigger.user.id }}`, headers: { authorization: "Bearer {{ nodes.n1.token }}" } }), { context }),
    );
    expect(result).toMatchObject({ kind: "output", output: { status: 200, headers: { "x-echo": "yes" }, body: { got: null, url: "/echo/42" } } });
    expect(seen.at(-1)?.headers.authorization).toBe("Bearer s3cret");
  });

  it("sends an object body as JSON with templated values", async () => {
    await httpRequestComponent.run(nodeInput(http({ method: "POST", url: `${base}/echo`, body: { user: "{{ trigger.user }}", note: "hi {{ trigger.user.name }}" } }), { context }));
    const last = seen.at(-1)!;
    expect(last.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(last.body)).toEqual({ user: { id: 42, name: "Ada" }, note: "hi Ada" });
  });

  it("sends a string body templated as text", async () => {
    await httpRequestComponent.run(nodeInput(http({ method: "PUT", url: `${base}/text`, headers: { "content-type": "text/plain" }, body: "name={{ trigger.user.name }}" }), { context }));
    expect(seen.at(-1)?.body).toBe("name=Ada");
  });

  it("keeps a non-JSON body as text", async () => {
    const result = await httpRequestComponent.run(nodeInput(http({ method: "GET", url: `${base}/text` })));
    expect(result).toMatchObject({ output: { status: 200, body: "plain words" } });
  });

  it("follows a redirect", async () => {
    const result = await httpRequestComponent.run(nodeInput(http({ method: "GET", url: `${base}/redirect` })));
    expect(result).toMatchObject({ output: { status: 200, body: { url: "/echo?redirected=1" } } });
  });

  it("fails the node on a non-2xx status, keeping the response in the error output", async () => {
    const err = await httpRequestComponent.run(nodeInput(http({ method: "GET", url: `${base}/unavailable` }))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeError);
    expect((err as NodeError).message).toBe("503 Service Unavailable");
    expect((err as NodeError).code).toBe("http_error_status");
    expect((err as NodeError).output).toMatchObject({ status: 503, body: { error: "down" } });
  });

  it("fails the node when the timeout passes", async () => {
    await expect(httpRequestComponent.run(nodeInput(http({ method: "GET", url: `${base}/slow`, timeout_ms: 50 })))).rejects.toMatchObject({
      message: expect.stringMatching(/timed out after 50 ms/),
      code: "http_timeout",
    });
  });

  it("fails the node when the body is larger than allowed", async () => {
    const services = testServices({ maxResponseBytes: 1024 });
    await expect(httpRequestComponent.run(nodeInput(http({ method: "GET", url: `${base}/big` }), { services }))).rejects.toMatchObject({
      message: "response body exceeds 1024 bytes",
      code: "response_too_large",
    });
  });

  it("rethrows the worker's abort instead of failing the node", async () => {
    const controller = new AbortController();
    const run = httpRequestComponent.run(nodeInput(http({ method: "GET", url: `${base}/slow` }), { signal: controller.signal }));
    controller.abort("stopping");
    const err = await run.catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(NodeError);
  });

  it("reports a connection failure", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(httpRequestComponent.run(nodeInput(http({ method: "GET", url: `http://127.0.0.1:${port}/` })))).rejects.toThrow(
      new RegExp(`request to 127.0.0.1:${port} failed: ECONNREFUSED`),
    );
  });
});

describe("http_request destination policy", () => {
  const refuse = testServices({ allowPrivateNetworks: false });
  it.each([
    { url: "http://127.0.0.1/", why: "loopback" },
    { url: "http://169.254.169.254/latest/meta-data", why: "cloud metadata" },
    { url: "http://10.1.2.3/", why: "private" },
    { url: "http://192.168.1.1/", why: "private" },
    { url: "http://[::1]/", why: "IPv6 loopback" },
    { url: "http://[fd00::1]/", why: "IPv6 unique local" },
    { url: "http://[fe80::1]/", why: "IPv6 link-local" },
    { url: "http://[::ffff:10.0.0.1]/", why: "IPv4-mapped private" },
    { url: "http://2130706433/", why: "decimal loopback" },
    { url: "http://0/", why: "unspecified" },
  ])("refuses $url ($why) without calling the fetcher", async ({ url }) => {
    const fetcher = vi.fn<typeof fetch>();
    const services = { ...refuse, fetcher };
    await expect(httpRequestComponent.run(nodeInput(http({ method: "GET", url }), { services }))).rejects.toMatchObject({
      message: expect.stringMatching(/refused/),
      code: "destination_refused",
    });
    expect(fetcher).not.toHaveBeenCalled();
  });

  it("refuses a name that resolves to a private address", async () => {
    const services = testServices({ allowPrivateNetworks: false });
    services.network = { ...services.network, lookup: async () => [{ address: "93.184.216.34", family: 4 }, { address: "10.0.0.5", family: 4 }] };
    const err = (await httpRequestComponent.run(nodeInput(http({ method: "GET", url: "http://internal.example/" }), { services })).catch((e: unknown) => e)) as NodeError;
    expect(err).toBeInstanceOf(NodeError);
    expect(err.code).toBe("destination_refused");
    // The tenant learns that the host is refused, not what it resolves to; the server log gets the cause.
    expect(err.message).toBe("destination internal.example is refused: it resolves to a private or reserved address");
    expect(err.message).not.toContain("10.0.0.5");
    expect(String((err.cause as Error).message)).toContain("10.0.0.5");
  });

  it("says a name that does not resolve could not be resolved, with a code", async () => {
    const services = testServices({ allowPrivateNetworks: false });
    services.network = { ...services.network, lookup: async () => Promise.reject(Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.example"), { code: "ENOTFOUND" })) };
    const err = (await httpRequestComponent.run(nodeInput(http({ method: "GET", url: "http://nowhere.example/" }), { services })).catch((e: unknown) => e)) as NodeError;
    expect(err).toMatchObject({ message: "could not resolve host nowhere.example", code: "host_not_found" });
  });

  it("refuses a redirect to a private address", async () => {
    const fetcher = vi.fn<typeof fetch>(async () => new Response(null, { status: 302, headers: { location: "http://169.254.169.254/" } }));
    const services = { ...testServices({ allowPrivateNetworks: false }), fetcher };
    await expect(httpRequestComponent.run(nodeInput(http({ method: "GET", url: "http://public.example/" }), { services }))).rejects.toThrow(/169.254.169.254/);
    expect(fetcher).toHaveBeenCalledTimes(1);
  });

  it("allows a private destination on the allowed hosts list", async () => {
    const services = testServices({ allowPrivateNetworks: false, allowedHosts: ["127.0.0.1"] });
    await expect(httpRequestComponent.run(nodeInput(http({ method: "GET", url: `${base}/text` }), { services }))).resolves.toMatchObject({ output: { status: 200 } });
  });

  it.each([
    { given: "8.8.8.8", want: false },
    { given: "2606:4700::1111", want: false },
    { given: "172.16.0.1", want: true },
    { given: "172.32.0.1", want: false },
    { given: "100.64.0.1", want: true },
    { given: "fd00:ec2::254", want: true },
    { given: "not-an-ip", want: false },
  ])("isPrivateAddress($given) is $want", ({ given, want }) => expect(isPrivateAddress(given)).toBe(want));
});
