import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { httpRequestComponent, type ComponentServices, type NodeSpec } from "../../src/core/index.ts";
import { createGuardedFetch } from "../../src/core/net/guarded-fetch.ts";
import { nodeInput, testServices } from "../support/components.ts";

// A server the tenant calls may redirect anywhere. Credentials the node sends (Authorization, Cookie,
// Proxy-Authorization) are meant for the origin the tenant wrote: they must not follow a redirect
// to another scheme, host or port, nor come back on a later hop.

type Seen = { server: "origin" | "other"; method: string; url: string; headers: IncomingMessage["headers"]; body: string };
const seen: Seen[] = [];
let origin: Server;
let other: Server;
let originBase: string;
let otherBase: string;

function listen(name: Seen["server"], route: (url: string, res: import("node:http").ServerResponse) => boolean): Server {
  return createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ server: name, method: req.method!, url: req.url!, headers: req.headers, body });
      if (!route(req.url!, res)) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ at: name, url: req.url }));
    });
  });
}

beforeAll(async () => {
  origin = listen("origin", (url, res) => {
    const to = (status: number, location: string) => (res.writeHead(status, { location }).end(), true);
    if (url === "/cross") return to(302, `${otherBase}/landing`);
    if (url === "/same") return to(302, "/landing");
    if (url === "/cross-and-back") return to(307, `${otherBase}/back`);
    if (url === "/see-other") return to(303, `${otherBase}/landing`);
    if (url === "/found") return to(302, `${otherBase}/landing`);
    if (url === "/temporary") return to(307, `${otherBase}/landing`);
    if (url === "/to-file") return to(302, "file:///etc/passwd");
    if (url === "/to-metadata") return to(302, "http://169.254.169.254/latest/meta-data");
    return false;
  });
  other = listen("other", (url, res) => {
    if (url === "/back") return (res.writeHead(302, { location: `${originBase}/landing` }).end(), true);
    return false;
  });
  await Promise.all([new Promise<void>((r) => origin.listen(0, "127.0.0.1", r)), new Promise<void>((r) => other.listen(0, "127.0.0.1", r))]);
  originBase = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all([new Promise<void>((r) => origin.close(() => r())), new Promise<void>((r) => other.close(() => r()))]);
});
beforeEach(() => {
  seen.length = 0;
});

const CREDENTIALS = { authorization: "Bearer s3cret", cookie: "sid=abc", "proxy-authorization": "Basic cHJveHk6cHc=" };
const node = (path: string, config: Record<string, unknown> = {}): NodeSpec => ({
  id: "call",
  type: "http_request",
  config: { method: "GET", url: `${originBase}${path}`, headers: { ...CREDENTIALS, "x-trace": "kept" }, ...config },
});
/** The production fetch, with loopback allowed by the allowed-hosts list (not by allowing all private networks). */
const services = (): ComponentServices => {
  const network = { allowPrivateNetworks: false, allowedHosts: ["127.0.0.1"], lookup: async () => [{ address: "93.184.216.34", family: 4 }] };
  return { ...testServices(), network, fetcher: createGuardedFetch(network) };
};
const credentialsOf = (s: Seen | undefined) => [s?.headers.authorization, s?.headers.cookie, s?.headers["proxy-authorization"]];

describe("http_request redirects", () => {
  it("drops Authorization, Cookie and Proxy-Authorization when a redirect changes the port", async () => {
    const result = await httpRequestComponent.run(nodeInput(node("/cross"), { services: services() }));
    expect(result).toMatchObject({ output: { status: 200, body: { at: "other", url: "/landing" } } });
    expect(seen.map((s) => s.server)).toEqual(["origin", "other"]);
    expect(credentialsOf(seen[0])).toEqual([CREDENTIALS.authorization, CREDENTIALS.cookie, CREDENTIALS["proxy-authorization"]]);
    expect(credentialsOf(seen[1])).toEqual([undefined, undefined, undefined]);
    expect(seen[1]?.headers["x-trace"]).toBe("kept");
  });

  it("keeps them on a same-origin redirect", async () => {
    await httpRequestComponent.run(nodeInput(node("/same"), { services: services() }));
    expect(seen.map((s) => [s.server, s.url])).toEqual([
      ["origin", "/same"],
      ["origin", "/landing"],
    ]);
    expect(credentialsOf(seen[1])).toEqual([CREDENTIALS.authorization, CREDENTIALS.cookie, CREDENTIALS["proxy-authorization"]]);
  });

  it("does not send them again when a later hop returns to the first origin", async () => {
    await httpRequestComponent.run(nodeInput(node("/cross-and-back"), { services: services() }));
    expect(seen.map((s) => [s.server, s.url])).toEqual([
      ["origin", "/cross-and-back"],
      ["other", "/back"],
      ["origin", "/landing"],
    ]);
    expect(credentialsOf(seen[1])).toEqual([undefined, undefined, undefined]);
    expect(credentialsOf(seen[2])).toEqual([undefined, undefined, undefined]);
  });

  it("turns a POST into a GET without body on 303", async () => {
    await httpRequestComponent.run(nodeInput(node("/see-other", { method: "POST", body: { order: 7 } }), { services: services() }));
    expect(seen[0]).toMatchObject({ method: "POST", body: '{"order":7}' });
    expect(seen[1]).toMatchObject({ server: "other", method: "GET", body: "" });
    expect(seen[1]?.headers["content-type"]).toBeUndefined();
  });

  it("turns a POST into a GET without body on 302", async () => {
    await httpRequestComponent.run(nodeInput(node("/found", { method: "POST", body: "raw" }), { services: services() }));
    expect(seen[1]).toMatchObject({ server: "other", method: "GET", body: "" });
  });

  it("keeps method and body on 307, still without credentials across origins", async () => {
    await httpRequestComponent.run(nodeInput(node("/temporary", { method: "PUT", body: { order: 7 } }), { services: services() }));
    expect(seen[1]).toMatchObject({ server: "other", method: "PUT", body: '{"order":7}' });
    expect(seen[1]?.headers["content-type"]).toBe("application/json");
    expect(credentialsOf(seen[1])).toEqual([undefined, undefined, undefined]);
  });

  it("refuses a redirect to another scheme than http(s)", async () => {
    await expect(httpRequestComponent.run(nodeInput(node("/to-file"), { services: services() }))).rejects.toMatchObject({
      name: "NodeError",
      code: "request_failed",
      message: expect.stringMatching(/redirected to a file: URL/),
    });
  });

  it("checks every hop against the network policy", async () => {
    await expect(httpRequestComponent.run(nodeInput(node("/to-metadata"), { services: services() }))).rejects.toMatchObject({
      code: "destination_refused",
      message: "destination 169.254.169.254 is refused: it is a private or reserved address",
    });
    expect(seen).toHaveLength(1);
  });
});
