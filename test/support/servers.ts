import { createAlloyClient, createAltostratClient, type AlloyClient, type AltostratClient } from "../../src/client/index.ts";
import { mintDevToken } from "../../src/auth/index.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import { startServer, type RunningServer, type ServerOverrides } from "../../src/server.ts";
import { openStore } from "../../src/store/index.ts";
import { STORE_THREAD } from "./stores.ts";

/** The HS256 secret test servers trust. */
export const TEST_JWT_SECRET = "reprise-test-secret-0123456789abcdef-0123456789";

/** A tenant with credentials for both APIs. */
export interface TestTenant {
  accountId: string;
  token: string;
  apiKey: string;
  altostrat: AltostratClient;
  alloy: AlloyClient;
}

/** A real server on port 0 with an in-memory store, plus helpers to make tenants. */
export interface TestServer extends RunningServer {
  config: Config;
  createTenant(name?: string): Promise<TestTenant>;
}

/** Starts both listeners on port 0 with an in-memory PGlite store and running workers. */
export async function startTestServer(env: Record<string, string> = {}, overrides: ServerOverrides = {}): Promise<TestServer> {
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    REPRISE_STORE: "memory",
    ALTOSTRAT_PORT: "0",
    ALLOY_PORT: "0",
    JWT_SECRET: TEST_JWT_SECRET,
    POLL_INTERVAL_MS: "50",
    // A test machine shared by parallel suites can stall a process for a second; admission on the
    // event loop's delay is test/apis/http/admission.test.ts's subject, not every suite's.
    ADMISSION_MAX_EVENT_LOOP_DELAY_MS: "0",
    ...env,
  });
  const db = overrides.db ?? (await openStore({ memory: true, thread: STORE_THREAD }));
  const server = await startServer(config, { ...overrides, db });
  let tenants = 0;
  return {
    ...server,
    config,
    async stop() {
      await server.stop();
      if (!overrides.db) await db.close();
    },
    async createTenant(name = `tenant-${++tenants}`) {
      const account = await server.engine.createAccount({ name });
      const token = await mintDevToken({ secret: TEST_JWT_SECRET, accountId: account.id, expiresInSeconds: 3600, ...(overrides.clock ? { clock: () => (overrides.clock as () => Date)().getTime() } : {}) });
      const apiKey = (await server.engine.createApiKey(account.id)).key;
      return {
        accountId: account.id,
        token,
        apiKey,
        altostrat: createAltostratClient({ baseUrl: server.altostratUrl, token }),
        alloy: createAlloyClient({ baseUrl: server.alloyUrl, apiKey }),
      };
    },
  };
}

/** Polls `read` until `done` holds (or the attempts run out), for waiting on asynchronous runs. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, { attempts = 200, intervalMs = 25 } = {}): Promise<T> {
  let last = await read();
  for (let i = 0; i < attempts && !done(last); i++) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await read();
  }
  return last;
}

/** A test server and one tenant of it, for a suite's beforeAll (its afterAll stops `server`). */
export async function startServerWithTenant(env: Record<string, string> = {}): Promise<{ server: TestServer; tenant: TestTenant }> {
  const server = await startTestServer(env);
  return { server, tenant: await server.createTenant() };
}
