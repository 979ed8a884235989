import { PGlite } from "@electric-sql/pglite";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { loadConfig } from "../../src/config.ts";
import { loadMigrations, migrate, openPglite, openPostgres, type Db, type StoreThread } from "../../src/store/index.ts";

/** A store the suite runs against: PGlite always, PostgreSQL when DATABASE_URL is set. */
export interface StoreUnderTest {
  name: "pglite" | "pglite on its own thread" | "postgres";
  /** A fresh, migrated, isolated database (own directory or own schema). */
  open(options?: { migrate?: boolean }): Promise<Db>;
  /**
   * A fresh migrated location that can be opened again (restart tests): PGlite one opener at a
   * time, PostgreSQL any number at once. `dispose` removes it.
   */
  openShared(): Promise<SharedStore>;
}

/** A database location tests can close and reopen. */
export interface SharedStore {
  open(): Promise<Db>;
  dispose(): Promise<void>;
  /** For child processes: the PGlite dataDir or the PostgreSQL schema. */
  location: string;
}

/** The PostgreSQL URL for tests, if any (tests are the only readers of this variable besides src/config.ts). */
export const DATABASE_URL = process.env.DATABASE_URL || undefined;

/**
 * The embedded store's thread in tests: `STORE_THREAD=worker npx vitest run test/store` runs the suites
 * with PGlite on its own thread. Read by src/config.ts's rules, so a bad value fails as it would there.
 */
export const STORE_THREAD: StoreThread = ((store) => (store.kind === "postgres" ? "inline" : store.thread))(
  loadConfig({ STORE_THREAD: process.env.STORE_THREAD }).store,
);

/** Every store to run the suite on. */
export function storesUnderTest(): StoreUnderTest[] {
  const stores: StoreUnderTest[] = [{ name: "pglite", open: openTestPglite, openShared: openSharedPglite }];
  if (DATABASE_URL) stores.push({ name: "postgres", open: openTestPostgres, openShared: openSharedPostgres });
  return stores;
}

// initdb takes ~6 s in PGlite; it runs once per machine and every test database is a copy.
const TEMPLATE = join(tmpdir(), "reprise-test-pglite-template-0.5");

/** A PGlite data directory copied from a fresh (unmigrated) template, in its own temp dir. */
export async function createPgliteDataDir(): Promise<string> {
  await ensureTemplate();
  const root = mkdtempSync(join(tmpdir(), "reprise-test-"));
  const dataDir = join(root, "data");
  cpSync(TEMPLATE, dataDir, { recursive: true });
  return dataDir;
}

/** PGlite on a worker thread whatever STORE_THREAD says, for the adapter's own suite. */
export function pgliteOnItsOwnThread(): StoreUnderTest {
  return {
    name: "pglite on its own thread",
    open: (options) => openTestPglite(options, "worker"),
    openShared: openSharedPglite,
  };
}

/**
 * A fresh store in memory, loaded from a dump of the template (migrated, unless asked otherwise).
 * Loading a dump costs about a third of copying the template's files and opening them, and the
 * migrated dump saves each test file the migrations.
 */
async function openTestPglite(options: { migrate?: boolean } = {}, thread: StoreThread = STORE_THREAD): Promise<Db> {
  if (thread === "worker") return openTestPgliteDir(options, thread);
  const loadDataDir = await templateDump(options.migrate !== false);
  return openPglite({ memory: true, loadDataDir });
}

/** PGlite on its own thread takes no dump: a copy of the template's files, migrated here. */
async function openTestPgliteDir(options: { migrate?: boolean }, thread: StoreThread): Promise<Db> {
  const dataDir = await createPgliteDataDir();
  const db = await openPglite({ dataDir, thread });
  if (options.migrate !== false) await migrate(db);
  return withCleanup(db, async () => rmSync(join(dataDir, ".."), { recursive: true, force: true }));
}

const dumps = new Map<boolean, Promise<Blob>>();

/** The template's data directory as a tar, built once per machine and per set of migrations. */
function templateDump(migrated: boolean): Promise<Blob> {
  let dump = dumps.get(migrated);
  if (!dump) {
    dump = readOrBuildDump(migrated);
    dumps.set(migrated, dump);
  }
  return dump;
}

async function readOrBuildDump(migrated: boolean): Promise<Blob> {
  const migrations = createHash("sha256");
  for (const m of loadMigrations()) migrations.update(`${m.version}\0${m.sql}\0`);
  const file = `${TEMPLATE}-${migrated ? `migrated-${migrations.digest("hex").slice(0, 16)}` : "initdb"}.tar`;
  if (!existsSync(file)) {
    const dataDir = await createPgliteDataDir();
    try {
      if (migrated) {
        const db = await openPglite({ dataDir });
        await migrate(db);
        await db.close();
      }
      const pgl = await PGlite.create(dataDir);
      try {
        const tar = await pgl.dumpDataDir("none");
        const staging = `${file}.staging-${process.pid}`;
        writeFileSync(staging, Buffer.from(await tar.arrayBuffer()));
        renameSync(staging, file); // atomic: concurrent builders each write a whole file
      } finally {
        await pgl.close();
      }
    } finally {
      rmSync(join(dataDir, ".."), { recursive: true, force: true });
    }
  }
  return new Blob([readFileSync(file)]);
}

async function openSharedPglite(): Promise<SharedStore> {
  const dataDir = await createPgliteDataDir();
  const first = await openPglite({ dataDir, thread: STORE_THREAD });
  await migrate(first);
  await first.close();
  return {
    location: dataDir,
    open: () => openPglite({ dataDir, thread: STORE_THREAD }),
    dispose: async () => rmSync(join(dataDir, ".."), { recursive: true, force: true }),
  };
}

async function openSharedPostgres(): Promise<SharedStore> {
  const schema = await createTestSchema();
  const first = await openPostgres({ connectionString: DATABASE_URL!, poolSize: 2, schema });
  await migrate(first);
  await first.close();
  return {
    location: schema,
    open: () => openPostgres({ connectionString: DATABASE_URL!, poolSize: 10, schema }),
    dispose: () => dropTestSchema(schema),
  };
}

async function ensureTemplate(): Promise<void> {
  const building = `${TEMPLATE}.building`;
  for (;;) {
    if (existsSync(TEMPLATE)) return;
    try {
      mkdirSync(building);
    } catch {
      await new Promise((r) => setTimeout(r, 200)); // another test process is building it
      continue;
    }
    try {
      const staging = `${TEMPLATE}.staging-${process.pid}`;
      const pgl = await PGlite.create(staging);
      await pgl.close();
      renameSync(staging, TEMPLATE);
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
  }
}

/** A PostgreSQL Db confined to a new schema, dropped on close. */
export async function openTestPostgres(options: { migrate?: boolean; poolSize?: number } = {}): Promise<Db> {
  const schema = await createTestSchema();
  const db = await openPostgres({ connectionString: DATABASE_URL!, poolSize: options.poolSize ?? 10, schema });
  if (options.migrate !== false) await migrate(db);
  return withCleanup(db, () => dropTestSchema(schema));
}

/** Creates an empty schema with a unique name. */
export async function createTestSchema(): Promise<string> {
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(`CREATE SCHEMA "${schema}"`);
  return schema;
}

/** Drops a test schema and everything in it. */
export async function dropTestSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withCleanup(db: Db, cleanup: () => Promise<void>): Db {
  return {
    ...db,
    kind: db.kind,
    query: db.query.bind(db),
    transaction: db.transaction.bind(db),
    ...(db.listen ? { listen: db.listen.bind(db) } : {}),
    async close() {
      await db.close();
      await cleanup();
    },
  };
}
