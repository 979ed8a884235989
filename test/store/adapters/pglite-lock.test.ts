import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acquireDirLock, DataDirLockedError, lockPathFor, openPglite, openStore } from "../../../src/store/index.ts";
import { readFirstLine, scriptPath, spawnTs, waitForExit } from "../../support/child.ts";
import { createPgliteDataDir as createDataDir, DATABASE_URL, STORE_THREAD } from "../../support/stores.ts";

const created: string[] = [];
/** A fresh PGlite directory, removed (with its lock file) after the file's tests. */
async function createPgliteDataDir(): Promise<string> {
  const dir = await createDataDir();
  created.push(join(dir, ".."));
  return dir;
}
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** Every file under a directory with its size and mtime: equal snapshots mean untouched. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else out.push(`${p}:${s.size}:${s.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

type ChildAnswer = { opened: boolean; error?: string; name?: string; pid?: number };

describe("PGlite data directory lock", () => {
  it("refuses a second process, naming the holder's PID, and leaves the directory untouched", async () => {
    const dataDir = await createPgliteDataDir();
    const db = await openPglite({ dataDir, thread: STORE_THREAD });
    await db.query("CREATE TABLE marker (id int)");
    const before = snapshot(dataDir);
    const child = spawnTs(scriptPath("store/support/open-pglite.ts"), [dataDir, "try"]);
    const answer = await readFirstLine<ChildAnswer>(child);
    expect(await waitForExit(child)).toBe(3);
    expect(answer.opened).toBe(false);
    expect(answer.name).toBe("DataDirLockedError");
    expect(answer.error).toContain(`PID ${process.pid}`);
    expect(answer.error).toContain(dataDir);
    expect(snapshot(dataDir)).toEqual(before);
    await db.close();
  });

  it("refuses a second open in the same process", async () => {
    const dataDir = await createPgliteDataDir();
    const db = await openPglite({ dataDir, thread: STORE_THREAD });
    await expect(openPglite({ dataDir, thread: STORE_THREAD })).rejects.toBeInstanceOf(DataDirLockedError);
    await db.close();
  });

  it("releases the lock on close, so the directory opens again with its data", async () => {
    const dataDir = await createPgliteDataDir();
    const first = await openPglite({ dataDir, thread: STORE_THREAD });
    await first.query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
    await first.close();
    expect(existsSync(lockPathFor(dataDir))).toBe(false);
    const second = await openPglite({ dataDir, thread: STORE_THREAD });
    expect((await second.query("SELECT v FROM kept")).rows).toEqual([{ v: "still here" }]);
    await second.close();
  });

  it("releases the lock when the holder exits without closing", async () => {
    const dataDir = await createPgliteDataDir();
    const child = spawnTs(scriptPath("store/support/open-pglite.ts"), [dataDir, "exit-without-close"]);
    expect((await readFirstLine<ChildAnswer>(child)).opened).toBe(true);
    await waitForExit(child);
    expect(existsSync(lockPathFor(dataDir))).toBe(false);
  });

  it("takes over a stale lock left by a killed process", async () => {
    const dataDir = await createPgliteDataDir();
    const child = spawnTs(scriptPath("store/support/open-pglite.ts"), [dataDir, "hold"]);
    const answer = await readFirstLine<ChildAnswer>(child);
    expect(answer.opened).toBe(true);
    child.kill("SIGKILL");
    await waitForExit(child);
    expect(JSON.parse(readFileSync(lockPathFor(dataDir), "utf8")).pid).toBe(answer.pid);
    const db = await openPglite({ dataDir, thread: STORE_THREAD });
    expect(JSON.parse(readFileSync(lockPathFor(dataDir), "utf8")).pid).toBe(process.pid);
    await db.query("SELECT 1");
    await db.close();
  });

  it("treats an unreadable lock file as stale", () => {
    const dir = join(createTmp(), "data");
    writeFileSync(lockPathFor(dir), "garbage");
    const lock = acquireDirLock(dir);
    expect(JSON.parse(readFileSync(lock.path, "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });
});

describe("openStore", () => {
  it("opens an in-memory PGlite and migrates it", async () => {
    const db = await openStore({ memory: true, thread: STORE_THREAD });
    expect(db.kind).toBe("pglite");
    expect((await db.query<{ c: number }>("SELECT count(*)::int AS c FROM runs")).rows[0]?.c).toBe(0);
    await db.close();
  }, 60_000);

  it.runIf(DATABASE_URL)("opens PostgreSQL when a URL is configured", async () => {
    const { createTestSchema, dropTestSchema } = await import("../../support/stores.ts");
    const schema = await createTestSchema();
    const db = await openStore({ databaseUrl: DATABASE_URL, schema, poolSize: 2 });
    expect(db.kind).toBe("postgres");
    expect((await db.query<{ c: number }>("SELECT count(*)::int AS c FROM runs")).rows[0]?.c).toBe(0);
    await db.close();
    await dropTestSchema(schema);
  });
});

function createTmp(): string {
  const dir = mkdtempSync(join(tmpdir(), "reprise-lock-"));
  created.push(dir);
  return dir;
}
