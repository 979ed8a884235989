import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Root of this repository. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Runs a pipeline script (`scripts/<name>`) with `cwd` as the project root; resolves with its exit code and output.
 * `env`, when given, replaces the environment the script gets.
 */
export function runScript(cwd: string, script: string, args: string[] = [], env?: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(cwd, "scripts", script), ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], ...(env ? { env } : {}) });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}
