import { afterEach, describe, expect, it } from "vitest";
import { findFreePort } from "../support/free-port.ts";
import { send } from "./support/api.ts";
import { pollUntil } from "./support/checks.ts";
import { createFaultDatabase, SKIP_REASON, type FaultDatabase } from "./support/database.ts";
import { fleetEnv, runNode, startServerProcess, stopFleet, type ServerProcess } from "./support/fleet.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";

describe("start-up while PostgreSQL is unreachable", () => {
  it("a server whose PostgreSQL never answers retries until STORE_STARTUP_TIMEOUT_MS, then exits 1 with one line naming it", async () => {
    const port = await findFreePort(); // nothing listens there
    const url = `postgres://reprise:secret@127.0.0.1:${port}/reprise`;
    const env = fleetEnv(url, { LOG_LEVEL: "silent", STORE_STARTUP_TIMEOUT_MS: "2000" });

    const { code, stdout, stderr } = await runNode(["bin/reprise.js", "start"], env).result;

    expect(code).toBe(1);
    expect(stdout).not.toMatch(/Altostrat Workflows API/); // it never listened
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1); // one line, no stack
    expect(lines[0]).toMatch(
      new RegExp(`^reprise: could not reach PostgreSQL at 127\\.0\\.0\\.1:${port}/reprise within 2 s \\((\\d+) attempts, STORE_STARTUP_TIMEOUT_MS\\); last error: .*ECONNREFUSED`),
    );
    expect(Number(/\((\d+) attempts/.exec(lines[0]!)![1])).toBeGreaterThan(1); // it did retry
    expect(stderr).not.toContain("secret");
  });
});

describe.skipIf(SKIP_REASON)(`start-up while PostgreSQL is not reachable yet${SKIP_REASON ? ` (${SKIP_REASON})` : ""}`, () => {
  let db: FaultDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    if (server) await stopFleet([server]);
    await proxy?.close();
    await db?.drop();
  });

  it("a server started before PostgreSQL is reachable keeps retrying, then migrates, serves and is ready", async () => {
    db = await createFaultDatabase("startup");
    const real = new URL(db.url);
    proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);

    const starting = startServerProcess(fleetEnv(viaProxy.toString()));
    let died = false; // then `await starting` below reports why, with the server's log
    starting.catch(() => (died = true));
    // Reachable only after the server has been turned away twice: the retry is forced, not timed.
    await pollUntil(async () => proxy!.refused, (n) => n >= 2 || died, 60_000);
    proxy.forward();
    server = await starting;

    const ready = await send(`${server.altostratUrl}/readyz`);
    expect(ready.status).toBe(200);
    const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM schema_migrations");
    expect(row!.n).toBeGreaterThan(0);
    expect(server.stderr()).toMatch(/is not reachable yet: retrying/);
  });
});
