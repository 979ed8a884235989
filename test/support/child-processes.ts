// Child processes that never outlive the test that started them. Each child leads its own process
// group (detached), so killing the group also ends whatever it started in turn (`bin/reprise.js
// start` runs the server in a grandchild). Groups still running are killed with SIGKILL when the
// test that started them fails or times out, when a file ends, and when the test process exits,
// also on SIGTERM/SIGINT/SIGHUP (on which Node would otherwise exit without an 'exit' event).
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, onTestFailed } from "vitest";

const GROUPS = Symbol.for("reprise.test.child-process-groups");

// One set per process, shared by every test file's copy of this module (vitest re-imports it for
// each file), so the exit hooks are installed once however many files a worker runs.
const shared = globalThis as { [GROUPS]?: Set<number> };
const groups = shared[GROUPS] ?? hookProcessExit((shared[GROUPS] = new Set()));
killLeftOversAfterFile();

/**
 * Spawns `command args` as the leader of a new process group, remembered until it exits. Inside a
 * running test, a failure or timeout of that test kills the group; an `afterAll` of the importing
 * file kills what is left. Use it for every process a test starts.
 */
export function spawnInGroup(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options, detached: true });
  const pid = child.pid;
  if (pid === undefined) return child; // spawn failed; its 'error' event says why
  groups.add(pid);
  // Whatever the leader started and left behind goes with it.
  child.once("exit", () => {
    killGroup(pid);
    groups.delete(pid);
  });
  killOnTestFailure(pid);
  return child;
}

/** Sends `signal` to the child's whole process group; false when it is already gone. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group has no process left
  }
}

/** SIGKILLs every group spawned by this process and still running. */
export function killAllGroups(): void {
  for (const pid of groups) killGroup(pid);
  groups.clear();
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group has no process left
  }
}

/** True while a process with this pid runs (a zombie, killed but not yet reaped, counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // Linux: the state follows the command name in parentheses; Z is a zombie.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return true; // no /proc: kill(0) said it exists
  }
}

function killOnTestFailure(pid: number): void {
  try {
    onTestFailed(() => killGroup(pid));
  } catch {
    // Not inside a running test (a beforeAll hook, a script): the afterAll and exit hooks cover it.
  }
}

function hookProcessExit(set: Set<number>): Set<number> {
  process.once("exit", killAllGroups);
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAllGroups();
      process.kill(process.pid, signal); // the listener was once: this ends the process as the signal would have
    });
  }
  return set;
}

// Registered while the importing test file is collected: the afterAll belongs to that file.
function killLeftOversAfterFile(): void {
  try {
    afterAll(killAllGroups);
  } catch {
    // Imported outside a test file's collection (a script): the exit hooks remain.
  }
}
