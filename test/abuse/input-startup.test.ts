// A data directory the embedded store cannot use stops `reprise start` with one line naming the
// variable and the path, and exit status 1; a symbolic link to a directory is followed.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DataDirError, prepareDataDir } from "../../src/store/adapters/dir-lock.ts";
import { DataDirLockedError, lockPathFor, openPglite } from "../../src/store/index.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(path.join(tmpdir(), "reprise-datadir-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const file = path.join(scratch, "a-file");
writeFileSync(file, "not a directory\n");
const realDir = path.join(scratch, "real-dir");
mkdirSync(realDir);

/** Output and exit status of a `reprise start` that is expected to stop on its own. */
interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/reprise.js start` on the embedded store in `dataDir`. A heap flag in NODE_OPTIONS keeps
 * the server in this one process (no child with the default heap flags), so killing it leaves nothing behind.
 */
function start(dataDir: string): ChildProcess {
  return spawn(process.execPath, ["bin/reprise.js", "start"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-semi-space-size=2`.trim(),
      NODE_ENV: "production",
      JWT_SECRET: "reprise-startup-test-secret-0123456789abcdef",
      REPRISE_DATA_DIR: dataDir,
      REPRISE_STORE: "file",
      DATABASE_URL: "",
      ALTOSTRAT_PORT: "0",
      ALLOY_PORT: "0",
      LOG_LEVEL: "silent",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Waits for the process to end by itself; kills it (and fails) when it is still running after `ms`. */
function ended(child: ChildProcess, ms = 45_000): Promise<Ended> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`still running after ${ms} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, ms);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("reprise start with an unusable data directory", () => {
  const dangling = path.join(scratch, "dangling-link");
  symlinkSync(path.join(scratch, "nothing-here"), dangling);
  const linkToFile = path.join(scratch, "link-to-file");
  symlinkSync(file, linkToFile);
  const loop = path.join(scratch, "loop-a");
  symlinkSync(path.join(scratch, "loop-b"), loop);
  symlinkSync(loop, path.join(scratch, "loop-b"));

  // Each start first checks generated/ (a few seconds on an idle machine).
  it.for([
    { given: "a regular file", dataDir: file, problem: "is not a directory (ENOTDIR)" },
    { given: "a path under a regular file", dataDir: path.join(file, "data"), problem: `cannot be created: ${file} is not a directory (ENOTDIR)` },
    { given: "a deeper path under a regular file", dataDir: path.join(file, "a", "b"), problem: `cannot be created: ${file} is not a directory (ENOTDIR)` },
    { given: "a symbolic link to a file", dataDir: linkToFile, problem: `(a symbolic link to ${file}) is not a directory (ENOTDIR)` },
    { given: "a symbolic link to nothing", dataDir: dangling, problem: `is a symbolic link to ${path.join(scratch, "nothing-here")}, which does not exist (ENOENT)` },
    { given: "a loop of symbolic links", dataDir: loop, problem: "is a loop of symbolic links (ELOOP)" },
  ])("stops with one line naming REPRISE_DATA_DIR when it is $given", { timeout: 60_000 }, async ({ dataDir, problem }) => {
    const { code, stdout, stderr } = await ended(start(dataDir));
    expect(stderr).toBe(`reprise: REPRISE_DATA_DIR=${dataDir} ${problem}\n`);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(existsSync(path.join(scratch, "nothing-here"))).toBe(false);
  });

  it("serves from the directory a symbolic link points to, locked under its real path", async () => {
    const link = path.join(scratch, "link-to-dir");
    symlinkSync(realDir, link);
    const child = start(link);
    try {
      const listening = await new Promise<string>((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        child.stdout!.on("data", (d: Buffer) => {
          stdout += d.toString();
          const url = /Altostrat Workflows API\s+(http:\/\/\S+)/.exec(stdout)?.[1];
          if (url) resolve(url);
        });
        child.on("exit", (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
      });
      expect((await fetch(`${listening}/healthz`)).status).toBe(200);
      expect(existsSync(`${realDir}.lock`)).toBe(true);
      expect(existsSync(`${link}.lock`)).toBe(false);
      expect(existsSync(path.join(realDir, "PG_VERSION"))).toBe(true);
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(existsSync(`${realDir}.lock`)).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }, 60_000);
});

describe("the data directory check", () => {
  it("names the directory as given and creates missing parents", () => {
    const fresh = path.join(scratch, "fresh", "nested", "data");
    expect(prepareDataDir(fresh)).toBe(fresh);
    expect(existsSync(fresh)).toBe(true);
    expect(() => prepareDataDir(path.join(file, "x"))).toThrow(DataDirError);
    try {
      prepareDataDir(file);
    } catch (err) {
      expect(err).toMatchObject({ name: "DataDirError", dataDir: file, code: "ENOTDIR", message: `Data directory ${file} is not a directory (ENOTDIR)` });
    }
  });

  it("gives two links to one directory one lock, so a second opener is refused", async () => {
    const dir = path.join(scratch, "shared");
    mkdirSync(dir);
    const [first, second] = [path.join(scratch, "shared-link-1"), path.join(scratch, "shared-link-2")];
    symlinkSync(dir, first);
    symlinkSync(dir, second);
    expect(lockPathFor(first)).toBe(`${dir}.lock`);
    const db = await openPglite({ dataDir: first });
    try {
      await expect(openPglite({ dataDir: second })).rejects.toBeInstanceOf(DataDirLockedError);
      await expect(openPglite({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      await db.close();
    }
  }, 60_000);
});
