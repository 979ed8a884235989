import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { signalGroup, spawnInGroup } from "../../support/child-processes.ts";

/** The HS256 secret every process of a fleet trusts. */
export const FAULT_JWT_SECRET = "reprise-fault-secret-0123456789abcdef-0123456789";
/** Repository root: children run from here so generated/ is found. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SERVE = fileURLToPath(new URL("./serve.ts", import.meta.url));

/** How a child process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A Reprise server running in its own process. */
export interface ServerProcess {
  pid: number;
  /** Its worker's lease owner name (`executed_by` of the runs it ended). */
  workerId: string;
  altostratUrl: string;
  alloyUrl: string;
  child: ChildProcess;
  /** Settles when the process has exited. */
  exited: Promise<ExitStatus>;
  /** What it wrote to stderr so far (its JSON log). */
  stderr(): string;
}

/** Environment every fault-suite server gets; `env` overrides it. */
export function fleetEnv(databaseUrl: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    DATABASE_URL: databaseUrl,
    ALTOSTRAT_PORT: "0",
    ALLOY_PORT: "0",
    JWT_SECRET: FAULT_JWT_SECRET,
    HTTP_ALLOW_PRIVATE_NETWORKS: "true",
    POLL_INTERVAL_MS: "200",
    LEASE_SECONDS: "2",
    SHUTDOWN_DEADLINE_MS: "2000",
    ...env,
  };
}

/** Spawns `node test/faults/support/serve.ts` and resolves once it announced its URLs. */
export function startServerProcess(env: Record<string, string>, readyTimeoutMs = 45_000): Promise<ServerProcess> {
  // Its own process group (killed with the test that fails, see child-processes.ts), and stdin as a
  // lifeline: the server stops when the test process dies, even by SIGKILL.
  const child = spawnInGroup(process.execPath, [SERVE], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, SERVE_EXIT_WITH_PARENT: "1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-200_000)));
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`server not ready after ${readyTimeoutMs} ms:\n${stderr}`)), readyTimeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      signalGroup(child, "SIGKILL");
      reject(err);
    };
    let stdout = "";
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split("\n").find((l) => l.startsWith('{"ready":true'));
      if (!line) return;
      clearTimeout(timer);
      const info = JSON.parse(line) as { pid: number; workerId: string; altostratUrl: string; alloyUrl: string };
      resolve({ ...info, child, exited, stderr: () => stderr });
    });
    void exited.then((status) => fail(new Error(`server exited (${status.code ?? status.signal}) before it was ready:\n${stderr}`)));
  });
}

/** Starts `n` servers at once (on a fresh database they also migrate it at once). */
export function startFleet(n: number, env: Record<string, string>): Promise<ServerProcess[]> {
  return Promise.all(Array.from({ length: n }, () => startServerProcess(env)));
}

/** SIGTERM, then SIGKILL whatever is still running after `graceMs`. */
export async function stopFleet(fleet: ServerProcess[], graceMs = 8_000): Promise<void> {
  await Promise.all(
    fleet.map(async (server) => {
      if (server.child.exitCode !== null || server.child.signalCode !== null) return;
      server.child.kill("SIGTERM");
      const timer = setTimeout(() => signalGroup(server.child, "SIGKILL"), graceMs);
      await server.exited;
      clearTimeout(timer);
    }),
  );
}

/** Runs `node …args` from the repository root (in its own process group) and collects its output. */
export function runNode(args: string[], env: Record<string, string>) {
  const child = spawnInGroup(process.execPath, [...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const handle = {
    done: false,
    result: new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.once("close", (code) => {
        handle.done = true;
        resolve({ code, stdout, stderr });
      }),
    ),
  };
  return handle;
}
