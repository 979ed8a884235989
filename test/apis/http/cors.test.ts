// CORS on both listeners of a real server (port 0): preflights for every operation path of both
// contracts, simple requests from allowed and refused origins, CORS_ORIGINS parsing and its
// production default (no origin unless configured).
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREFLIGHT_MAX_AGE_SECONDS } from "../../../src/apis/http/cors.ts";
import { listOperations, readSpec } from "../../../src/apis/http/spec-routes.ts";
import { ConfigError, loadConfig } from "../../../src/config.ts";
import { openStore, type Db } from "../../../src/store/index.ts";
import { REPO_ROOT } from "../../support/run-script.ts";
import { startPrismFor } from "../../support/prism.ts";
import { startTestServer, type TestServer } from "../../support/servers.ts";

const APP = "http://localhost:5173";
const OTHER = "https://app.example.com";
const EVIL = "https://evil.example";
const REQUESTED_HEADERS = "authorization, content-type, idempotency-key, x-api-version";

/** Every operation of a bundled spec, with its path's parameters filled in. */
function operationsOf(api: "altostrat" | "alloy") {
  return listOperations(readSpec(path.join(REPO_ROOT, "generated", api, "openapi.yaml"))).map((op) => ({
    name: `${op.method.toUpperCase()} ${op.specPath}`,
    method: op.method.toUpperCase(),
    path: op.specPath.replace(/\{[^}]+\}/g, "x1"),
  }));
}

function preflight(url: string, origin: string, method: string, headers = REQUESTED_HEADERS) {
  return fetch(url, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers } });
}

function listed(value: string | null): string[] {
  return (value ?? "").split(",").map((item) => item.trim().toLowerCase()).filter(Boolean);
}

describe("CORS", () => {
  let db: Db;
  const servers: TestServer[] = [];
  // One store for every server: only the listeners' configuration differs.
  const start = async (env: Record<string, string>) => {
    const server = await startTestServer({ SANDBOX_PROCESSES: "1", ...env }, { db, workers: false });
    servers.push(server);
    return server;
  };
  let open: TestServer; // NODE_ENV=test, CORS_ORIGINS unset: any origin
  let listed2: TestServer; // two origins
  let production: TestServer; // NODE_ENV=production, CORS_ORIGINS unset: none
  let productionListed: TestServer; // NODE_ENV=production with one origin

  beforeAll(async () => {
    db = await openStore({ memory: true });
    [open, listed2, production, productionListed] = await Promise.all([
      start({}),
      start({ CORS_ORIGINS: `${APP}, ${OTHER}/` }),
      start({ NODE_ENV: "production" }),
      start({ NODE_ENV: "production", CORS_ORIGINS: OTHER }),
    ]);
  });
  afterAll(async () => {
    await Promise.allSettled(servers.map((server) => server.stop()));
    await db?.close();
  });

  describe.each([
    { api: "altostrat" as const, url: (s: TestServer) => s.altostratUrl },
    { api: "alloy" as const, url: (s: TestServer) => s.alloyUrl },
  ])("$api listener, any origin allowed (the default outside production)", ({ api, url }) => {
    it.each(operationsOf(api))("answers the preflight of $name with 204, its methods and the contract's headers", async ({ method, path: opPath }) => {
      const res = await preflight(`${url(open)}${opPath}`, APP, method);
      expect(res.status).toBe(204);
      expect(await res.text()).toBe("");
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(listed(res.headers.get("access-control-allow-methods"))).toContain(method.toLowerCase());
      expect(listed(res.headers.get("access-control-allow-headers"))).toEqual(expect.arrayContaining([...listed(REQUESTED_HEADERS), "x-request-id"]));
      expect(res.headers.get("access-control-max-age")).toBe(String(PREFLIGHT_MAX_AGE_SECONDS));
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    });

    it("lists only the path's own methods", async () => {
      const [op] = operationsOf(api);
      const others = operationsOf(api).filter((o) => o.path === op!.path).map((o) => o.method.toLowerCase());
      const res = await preflight(`${url(open)}${op!.path}`, APP, "DELETE");
      expect(res.status).toBe(204);
      expect(listed(res.headers.get("access-control-allow-methods")).sort()).toEqual([...new Set(others)].sort());
    });

    it("lets a page read x-request-id, Retry-After and Location on every answer, errors included", async () => {
      const [op] = operationsOf(api);
      const res = await fetch(`${url(open)}${op!.path}`, { method: op!.method, headers: { Origin: APP } });
      expect(res.status).toBe(401);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(listed(res.headers.get("access-control-expose-headers"))).toEqual(expect.arrayContaining(["x-request-id", "retry-after", "location"]));
    });

    it("leaves OPTIONS without Origin, and preflights of paths outside the contract, to the router", async () => {
      const [op] = operationsOf(api);
      const plain = await fetch(`${url(open)}${op!.path}`, { method: "OPTIONS" });
      expect(plain.status).toBe(405);
      expect(await plain.json()).toMatchObject({ code: "method_not_allowed" });
      const unknown = await preflight(`${url(open)}/no/such/path`, APP, "GET");
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: "route_not_found" });
    });
  });

  it("matches paths as the router does: any case, an optional trailing slash", async () => {
    const res = await preflight(`${open.altostratUrl}/WORKFLOWS/runs/x1/rerun/`, APP, "POST");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-methods")).toBe("POST");
  });

  describe("CORS_ORIGINS=<list>", () => {
    it("answers an allowed origin with that origin, and varies on Origin", async () => {
      for (const origin of [APP, OTHER]) {
        const res = await preflight(`${listed2.altostratUrl}/workflows/runs/x1/rerun`, origin, "POST");
        expect(res.status).toBe(204);
        expect(res.headers.get("access-control-allow-origin")).toBe(origin);
        expect(listed(res.headers.get("vary"))).toContain("origin");
      }
      const simple = await fetch(`${listed2.alloyUrl}/logs/x1`, { headers: { Origin: APP } });
      expect(simple.headers.get("access-control-allow-origin")).toBe(APP);
      expect(listed(simple.headers.get("vary"))).toContain("origin");
    });

    it("gives a refused origin no Access-Control header: its preflight is 204 without them, its requests are answered as usual", async () => {
      const res = await preflight(`${listed2.altostratUrl}/workflows/runs/x1/rerun`, EVIL, "POST");
      expect(res.status).toBe(204);
      expect([...res.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
      const simple = await fetch(`${listed2.altostratUrl}/workflows/runs/x1`, { headers: { Origin: EVIL } });
      expect(simple.status).toBe(401);
      expect([...simple.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
      expect(listed(simple.headers.get("vary"))).toContain("origin");
    });
  });

  describe("NODE_ENV=production", () => {
    it("allows no origin unless CORS_ORIGINS names it", async () => {
      for (const origin of [APP, OTHER]) {
        const res = await preflight(`${production.alloyUrl}/workflows/x1/rerun/x1`, origin, "POST");
        expect(res.status).toBe(204);
        expect(res.headers.get("access-control-allow-origin")).toBeNull();
        const simple = await fetch(`${production.alloyUrl}/workflows/x1/rerun/x1`, { method: "POST", headers: { Origin: origin } });
        expect(simple.headers.get("access-control-allow-origin")).toBeNull();
      }
    });

    it("allows the configured origin", async () => {
      const res = await preflight(`${productionListed.alloyUrl}/workflows/x1/rerun/x1`, OTHER, "POST");
      expect(res.headers.get("access-control-allow-origin")).toBe(OTHER);
      const refused = await preflight(`${productionListed.alloyUrl}/workflows/x1/rerun/x1`, APP, "POST");
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    });
  });

  // README "Frontend teams": what the mock answers differently. Pinned here so a Prism upgrade that
  // changes it shows up.
  describe("compared with Prism's mock", () => {
    let prism: Awaited<ReturnType<typeof startPrismFor>> | undefined;
    beforeAll(async () => {
      prism = await startPrismFor("altostrat");
    });
    afterAll(async () => prism?.stop());

    it("the mock reflects any origin, method and headers and allows credentials; the server lists the contract's", async () => {
      const ask = (base: string) => preflight(`${base}/workflows/runs/x1/rerun`, EVIL, "POST", `${REQUESTED_HEADERS}, prefer`);
      const mock = await ask(prism!.url);
      expect(mock.status).toBe(204);
      expect(mock.headers.get("access-control-allow-origin")).toBe(EVIL);
      expect(mock.headers.get("access-control-allow-credentials")).toBe("true");
      expect(listed(mock.headers.get("access-control-allow-headers"))).toContain("prefer");
      expect(mock.headers.get("access-control-expose-headers")).toBe("*");
      expect(mock.headers.get("access-control-max-age")).toBeNull();
      const unknownPath = await preflight(`${prism!.url}/no/such/path`, EVIL, "DELETE");
      expect([unknownPath.status, unknownPath.headers.get("access-control-allow-methods")]).toEqual([204, "DELETE"]);

      const real = await ask(open.altostratUrl);
      expect(real.status).toBe(204);
      expect(real.headers.get("access-control-allow-origin")).toBe("*");
      expect(real.headers.get("access-control-allow-credentials")).toBeNull();
      expect(listed(real.headers.get("access-control-allow-headers"))).not.toContain("prefer");
      expect(listed(real.headers.get("access-control-expose-headers"))).toEqual([]);
    });
  });

  describe("CORS_ORIGINS parsing", () => {
    const origins = (env: Record<string, string>) => loadConfig(env).server.corsOrigins;

    it("defaults to any origin outside production and to none in production", () => {
      expect(origins({})).toBe("*");
      expect(origins({ NODE_ENV: "production", JWT_SECRET: "p".repeat(40) })).toEqual([]);
    });

    it("takes '*' or a comma list, normalised as browsers send Origin", () => {
      expect(origins({ NODE_ENV: "production", JWT_SECRET: "p".repeat(40), CORS_ORIGINS: " * " })).toBe("*");
      expect(origins({ CORS_ORIGINS: "http://LOCALHOST:5173/, https://app.example.com:443,http://localhost:5173" })).toEqual(["http://localhost:5173", "https://app.example.com"]);
    });

    it.each(["localhost:5173", "ftp://files.example.com", "https://app.example.com/path", "https://app.example.com?x=1", "*,https://app.example.com", "https://user:pw@app.example.com"])(
      "refuses %s, naming the variable",
      (value) => {
        let error: unknown;
        try {
          loadConfig({ CORS_ORIGINS: value });
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).issues.map((issue) => issue.variable)).toEqual(["CORS_ORIGINS"]);
      },
    );
  });
});
