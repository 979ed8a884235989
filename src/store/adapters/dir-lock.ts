import { accessSync, closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { DataDirLockedError } from "../db.ts";

/**
 * A data directory that cannot be used: not a directory, not writable, a symbolic link to nothing…
 * `message` is `Data directory <dataDir> <problem>`; the CLI names its variable instead
 * (`REPRISE_DATA_DIR=<dataDir> <problem>`). `code` is the errno name, e.g. `ENOTDIR`.
 */
export class DataDirError extends Error {
  override readonly name = "DataDirError";
  /** The directory as it was given (relative paths stay relative). */
  readonly dataDir: string;
  /** What is wrong with it, e.g. `is not writable (EACCES)`. */
  readonly problem: string;
  readonly code: string;
  constructor(dataDir: string, problem: string, code: string, options?: { cause?: unknown }) {
    super(`Data directory ${dataDir} ${problem}`, options);
    this.dataDir = dataDir;
    this.problem = problem;
    this.code = code;
  }
}

/**
 * Checks a data directory before anything opens it, creating it when missing, and returns its real
 * path (symbolic links followed, so a directory reached through two names has one lock).
 * @throws DataDirError naming what is wrong: not a directory, a dangling link, not writable, …
 */
export function prepareDataDir(dataDir: string): string {
  const path = resolve(dataDir);
  const link = symlinkTarget(path);
  const linked = link === undefined ? "" : `(a symbolic link to ${link}) `;
  let stat = statOf(dataDir, path, linked);
  if (stat === undefined) {
    if (link !== undefined) throw new DataDirError(dataDir, `is a symbolic link to ${link}, which does not exist (ENOENT)`, "ENOENT");
    try {
      makeDirectories(path);
    } catch (err) {
      throw notCreatable(dataDir, path, err);
    }
    stat = statOf(dataDir, path, linked);
  }
  if (!stat?.isDirectory()) throw new DataDirError(dataDir, `${linked}is not a directory (ENOTDIR)`, "ENOTDIR");
  const real = realpathSync(path);
  try {
    accessSync(real, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = errnoCode(err);
    throw new DataDirError(dataDir, `${linked}is not writable (${code})`, code, { cause: err });
  }
  return real;
}

/**
 * Creates `path` and its missing parents one at a time. (Node's recursive mkdir retries forever where
 * mkdir answers ENOENT under a parent that exists, as in /proc.)
 */
function makeDirectories(path: string): void {
  const missing: string[] = [];
  for (let at = path; !existsSync(at); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if (errnoCode(err) !== "EEXIST" || !statSync(dir).isDirectory()) throw err;
    }
  }
}

/** Where a symbolic link at `path` points, or undefined when `path` is not one. */
function symlinkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/** The directory's stat (links followed), undefined when nothing is there. */
function statOf(dataDir: string, path: string, linked: string) {
  try {
    return statSync(path);
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ENOENT") return undefined;
    if (code === "ENOTDIR") throw notCreatable(dataDir, path, err);
    if (code === "ELOOP") throw new DataDirError(dataDir, "is a loop of symbolic links (ELOOP)", code, { cause: err });
    throw new DataDirError(dataDir, `${linked}cannot be read (${code})`, code, { cause: err });
  }
}

/** Why a missing directory could not be made: most often an ancestor that is a file. */
function notCreatable(dataDir: string, path: string, err: unknown): DataDirError {
  const code = errnoCode(err);
  if (code === "EEXIST" || code === "ENOTDIR") {
    for (let at = dirname(path); at !== dirname(at); at = dirname(at)) {
      try {
        if (!statSync(at).isDirectory()) return new DataDirError(dataDir, `cannot be created: ${at} is not a directory (ENOTDIR)`, "ENOTDIR", { cause: err });
      } catch {
        // Missing: look further up.
      }
    }
  }
  return new DataDirError(dataDir, `cannot be created (${code})`, code, { cause: err });
}

function errnoCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && code !== "" ? code : "EIO";
}

/** A held lock on a data directory; `release` is idempotent. */
export interface DirLock {
  readonly path: string;
  release(): void;
}

/**
 * Where the lock for a data directory lives: a sibling file, so the directory itself is never touched.
 * An existing directory is named by its real path, so two symbolic links to it share one lock.
 */
export function lockPathFor(dataDir: string): string {
  let path = resolve(dataDir);
  try {
    path = realpathSync(path);
  } catch {
    // Not there yet: its lock is named after the path as given.
  }
  return `${path}.lock`;
}

/**
 * Takes an exclusive lock on `dataDir` with an O_EXCL lock file holding our PID.
 * Two processes opening one PGlite directory corrupt it, so a live holder is refused;
 * a lock whose PID is dead (crash, SIGKILL) is stale and taken over.
 */
export function acquireDirLock(dataDir: string, pid: number = process.pid): DirLock {
  const path = lockPathFor(dataDir);
  const content = JSON.stringify({ pid, startedAt: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    let created: boolean;
    try {
      mkdirSync(dirname(path), { recursive: true });
      created = tryCreate(path, content);
    } catch (err) {
      const code = errnoCode(err);
      throw new DataDirError(dataDir, `cannot be locked: the lock file ${path} cannot be created (${code})`, code, { cause: err });
    }
    if (created) return holdLock(path, content);
    const holder = readHolder(path);
    if (holder === undefined) continue; // vanished between create and read: retry
    if (isAlive(holder.pid)) {
      const who = holder.pid === pid ? "this process (already open)" : `another Reprise process (PID ${holder.pid})`;
      throw new DataDirLockedError(
        `Data directory ${resolve(dataDir)} is in use by ${who}. ` +
          `Stop that process or use another data directory; two processes must never open one PGlite directory.`,
        holder.pid,
      );
    }
    // Stale: the holder died without releasing. Remove only if unchanged since we read it.
    if (readHolder(path)?.raw === holder.raw) safeUnlink(path);
  }
  throw new Error(`Could not take the lock ${path} after 3 attempts`);
}

function holdLock(path: string, content: string): DirLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off("exit", release);
    if (readHolder(path)?.raw === content) safeUnlink(path);
  };
  process.on("exit", release);
  return { path, release };
}

function tryCreate(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(path: string): { pid: number; raw: string } | undefined {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    const pid = Number((JSON.parse(raw) as { pid?: unknown }).pid);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : 0, raw };
  } catch {
    // A half-written or foreign file: treat as stale rather than lock out forever.
    return { pid: 0, raw };
  }
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function safeUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}
