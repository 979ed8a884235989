// Where a running server tells command-line tools on the same machine how to reach its admin
// listener: `admin.json` in the data directory, mode 0600, holding the URL, the token and the PID.
// Plain JavaScript: `reprise contract --provision` reads it from an installed package, where Node
// strips no types.
import { chmod, readFile, rename, rm, writeFile } from "node:fs/promises";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

/** Name of the file in REPRISE_DATA_DIR (./data by default). */
export const ADMIN_FILE_NAME = "admin.json";

/**
 * Writes the file atomically, readable by its owner only (a rename keeps the mode of the temporary file).
 * @param {string} file
 * @param {{ url: string, token: string, pid: number }} entry
 */
export async function writeAdminFile(file, entry) {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(entry)}\n`, { mode: 0o600, flag: "w" });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

/** Removes the file if it still names this token (a newer server may have replaced it). Synchronous, for exit handlers. */
export function removeAdminFile(file, token) {
  try {
    if (JSON.parse(readFileSync(file, "utf8")).token === token) rmSync(file, { force: true });
  } catch {
    // Gone already, or not ours to remove.
  }
}

/**
 * The entry of a server that is still running, or undefined (no file, unreadable, or its process is gone).
 * @param {string} file
 * @returns {Promise<{ url: string, token: string, pid: number } | undefined>}
 */
export async function readAdminFile(file) {
  let entry;
  try {
    entry = JSON.parse(await readFile(file, "utf8"));
  } catch {
    return undefined;
  }
  if (typeof entry?.url !== "string" || typeof entry?.token !== "string" || !Number.isInteger(entry?.pid)) return undefined;
  return isRunning(entry.pid) ? entry : undefined;
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
