import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../support/run-script.ts";

/** The installable client package (built from src/client by its prepack script). */
export const CLIENT_PACKAGE_DIR = path.join(REPO_ROOT, "packages", "client");
/** The name a consumer imports. */
export const CLIENT_PACKAGE_NAME = "@reprise/client";

/** Exit code and output of a finished command. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without a shell in its own process group; on timeout the whole group (npm and the
 * scripts it started) is killed with SIGKILL and the result says so. Never rejects: the caller
 * asserts on the code and shows the output.
 */
export function runCommand(command: string, args: string[], options: { cwd: string; timeoutMs: number }): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${options.timeoutMs} ms)`;
      killGroup(child.pid);
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: 1, stdout, stderr: `${stderr}${error.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group has already exited.
  }
}

/** What `npm pack --json` reports about the tarball. */
export interface PackedClient {
  tarball: string;
  size: number;
  unpackedSize: number;
  files: string[];
}

/**
 * `npm pack ./packages/client` into `destination`, exactly as a person would (the prepack script builds
 * dist/). Packs of concurrent test files are serialised with a lock directory, because each rebuilds
 * the package's dist/ in place.
 */
export async function packClient(destination: string): Promise<PackedClient> {
  const release = await lock(path.join(os.tmpdir(), "reprise-client-pack.lock"));
  let result: CommandResult;
  try {
    result = await runCommand("npm", ["pack", CLIENT_PACKAGE_DIR, "--json", "--pack-destination", destination], { cwd: REPO_ROOT, timeoutMs: 120_000 });
  } finally {
    await release();
  }
  if (result.code !== 0) throw new Error(`npm pack failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  // prepack's tsc output comes first on stdout; the JSON report is the last array printed.
  const report = JSON.parse(result.stdout.slice(result.stdout.lastIndexOf("\n[") + 1)) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
  const [entry] = report;
  if (!entry) throw new Error(`npm pack printed no report:\n${result.stdout}`);
  return { tarball: path.join(destination, entry.filename), size: entry.size, unpackedSize: entry.unpackedSize, files: entry.files.map((f) => f.path) };
}

/** `npm init -y` and `npm install <tarball>` in `project`, as a fresh consumer does; returns the top-level packages installed. */
export async function installPackedClient(project: string, tarball: string): Promise<string[]> {
  const init = await runCommand("npm", ["init", "-y"], { cwd: project, timeoutMs: 60_000 });
  if (init.code !== 0) throw new Error(`npm init failed:\n${init.stderr}`);
  const install = await runCommand("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], { cwd: project, timeoutMs: 120_000 });
  if (install.code !== 0) throw new Error(`npm install failed (${install.code}):\n${install.stdout}\n${install.stderr}`);
  const modules = path.join(project, "node_modules");
  const top = await readdir(modules);
  const scoped = await Promise.all(top.filter((n) => n.startsWith("@")).map(async (scope) => (await readdir(path.join(modules, scope))).map((n) => `${scope}/${n}`)));
  return [...top.filter((n) => !n.startsWith("@") && !n.startsWith(".")), ...scoped.flat()].sort();
}

/** Takes a cross-process lock: a directory holding the owner's pid; one whose owner is gone is taken over. */
async function lock(dir: string): Promise<() => Promise<void>> {
  for (let waited = 0; ; waited += 200) {
    try {
      await mkdir(dir);
      await writeFile(path.join(dir, "pid"), String(process.pid));
      return () => rm(dir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(await readFile(path.join(dir, "pid"), "utf8").catch(() => ""));
      if (owner > 0 && !isAlive(owner)) await rm(dir, { recursive: true, force: true });
      else if (waited > 240_000) throw new Error(`${dir} is held by process ${owner || "?"} for over 4 minutes`);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
