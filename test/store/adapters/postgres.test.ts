import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openPostgres, type Db } from "../../../src/store/index.ts";
import { startTcpProxy, type TcpProxy } from "../../support/tcp-proxy.ts";
import { DATABASE_URL } from "../../support/stores.ts";

describe.skipIf(!DATABASE_URL)("PostgreSQL LISTEN while the server cannot be reached", () => {
  let proxy: TcpProxy | undefined;
  let db: Db | undefined;
  afterEach(async () => {
    await db?.close();
    await proxy?.close();
  });

  it("a LISTEN made while PostgreSQL is unreachable resolves, and its notifications arrive once PostgreSQL is back", async () => {
    const direct = new URL(DATABASE_URL!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    proxy.forward();
    const viaProxy = new URL(DATABASE_URL!);
    viaProxy.port = String(proxy.port);
    db = await openPostgres({ connectionString: viaProxy.toString(), poolSize: 1 });
    proxy.refuse();

    const channel = `reprise_listen_${process.pid}_${Date.now()}`;
    const received: string[] = [];
    // A worker starting now (a slow or restarting server) must not fail on its subscription.
    const unlisten = await db.listen!(channel, (payload) => received.push(payload));
    expect(proxy.refused).toBeGreaterThan(0);

    proxy.forward();
    await expect
      .poll(async () => (await notify(DATABASE_URL!, channel, "back"), received), { timeout: 20_000, interval: 250 })
      .toContain("back");
    await unlisten();
  });
});

async function notify(url: string, channel: string, payload: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_notify($1, $2)", [channel, payload]);
  } finally {
    await client.end();
  }
}
