import { createAdminClient, importWorkflow, readAdminFile, type AdminClient, type WorkflowImport } from "../apis/admin/index.ts";
import type { Config } from "../config.ts";
import { createEngine, type Engine } from "../core/index.ts";
import { DataDirLockedError, openStore, resolveStore } from "../store/index.ts";

/** What the fixture commands create, whichever way they reach the store. */
export interface Fixtures {
  /** How the store was reached, for a note on stderr (undefined: opened directly). */
  through: string | undefined;
  createApiKey(accountId: string, name: string | undefined): Promise<{ id: string; key: string }>;
  importWorkflow(input: WorkflowImport): Promise<{ id: string; version: number; created: boolean }>;
}

/** The options every fixture command takes to name a running server explicitly. */
export const SERVER_OPTIONS = { server: { type: "string" }, "admin-token": { type: "string" } } as const;

/**
 * Runs `fn` with the fixtures of a running server when there is one (`--server URL` or
 * REPRISE_ADMIN_URL, else the admin file a live server left in the data directory), so the command
 * works while the server holds the embedded store; otherwise with the store opened directly.
 */
export async function withFixtures(config: Config, flags: { server?: string; "admin-token"?: string }, fn: (fixtures: Fixtures) => Promise<void>): Promise<void> {
  const admin = await findAdmin(config, flags);
  if (admin) return fn(throughServer(admin));
  let db;
  try {
    // One command needs few connections.
    db = await openStore({ ...resolveStore(config.store).options, poolSize: 2 });
  } catch (err) {
    if (!(err instanceof DataDirLockedError)) throw err;
    throw new Error(`${err.message}\nThe server runs without its admin listener: start it with ADMIN_LISTENER=true (on by default when NODE_ENV=development), or pass --server URL --admin-token TOKEN.`, { cause: err });
  }
  const engine = createEngine({ db });
  try {
    await fn(direct(engine));
  } finally {
    await engine.close();
    await db.close();
  }
}

async function findAdmin(config: Config, flags: { server?: string; "admin-token"?: string }): Promise<AdminClient | undefined> {
  const url = flags.server ?? config.admin.serverUrl;
  const published = await readAdminFile(config.admin.file);
  if (url === undefined) return published ? createAdminClient(published) : undefined;
  const token = flags["admin-token"] ?? config.admin.serverToken ?? published?.token;
  if (!token) throw new Error(`--server ${url} needs the admin token: --admin-token, REPRISE_ADMIN_TOKEN, or ${config.admin.file} of a server on this machine`);
  return createAdminClient({ url, token });
}

function throughServer(client: AdminClient): Fixtures {
  return {
    through: `the running server's admin listener ${client.url}`,
    createApiKey: (accountId, name) => client.createApiKey(accountId, name ? { name } : {}),
    importWorkflow: ({ accountId, ...input }) => client.importWorkflow(accountId, input as Parameters<AdminClient["importWorkflow"]>[1]),
  };
}

function direct(engine: Engine): Fixtures {
  return {
    through: undefined,
    createApiKey: (accountId, name) => engine.createApiKey(accountId, name ? { name } : {}),
    async importWorkflow(input) {
      const { workflow, created } = await importWorkflow(engine, input);
      return { id: workflow.id, version: workflow.version, created };
    },
  };
}
