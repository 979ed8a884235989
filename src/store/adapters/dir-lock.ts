import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { DataDirLockedError } from "../db.ts";

/** A held lock on a data directory; `release` is idempotent. */
export interface DirLock {
  readonly path: string;
  release(): void;
}

/** Where the lock for a data directory lives: a sibling file, so the directory itself is never touched. */
export function lockPathFor(dataDir: string): string {
  return `${resolve(dataDir)}.lock`;
}

/**
 * Takes an exclusive lock on `dataDir` with an O_EXCL lock file holding our PID.
 * Two processes opening one PGlite directory corrupt it, so a live holder is refused;
 * a lock whose PID is dead (crash, SIGKILL) is stale and taken over.
 */
export function acquireDirLock(dataDir: string, pid: number = process.pid): DirLock {
  const path = lockPathFor(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  const content = JSON.stringify({ pid, startedAt: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, content)) return holdLock(path, content);
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
