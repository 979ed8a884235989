import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { spawnInGroup } from "./child-processes.ts";

/** Absolute path of a script under test/, named from there (e.g. `store/support/open-pglite.ts`). */
export function scriptPath(name: string): string {
  return fileURLToPath(new URL(`../${name}`, import.meta.url));
}

/** Starts `node <script> …args` from the repository root, killed with the test if that fails. */
export function spawnTs(script: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawnInGroup(process.execPath, [script, ...args], {
    cwd: fileURLToPath(new URL("../../", import.meta.url)),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Resolves with the first stdout line parsed as JSON. */
export function readFirstLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on("data", (d: Buffer) => {
      buffer += d.toString();
      const nl = buffer.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(buffer.slice(0, nl)) as T);
    });
    child.on("exit", (code) => reject(new Error(`child exited (${code}) before answering: ${stderr}`)));
  });
}

/** Resolves with the exit code. */
export function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}
