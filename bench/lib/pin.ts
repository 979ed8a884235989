import { execFileSync } from "node:child_process";
import { cpus } from "node:os";

/** CPU for server processes and CPU for the load generator (BENCH_PIN=0 turns pinning off). */
export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

/** Whether processes are pinned: needs two CPUs and `taskset`, and BENCH_PIN not set to 0. */
export const PINNED = process.env.BENCH_PIN !== "0" && cpus().length >= 2 && hasTaskset();

function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Pins this process (every thread) to the load generator's CPU, so it never competes with a server. */
export function pinLoadGenerator(): void {
  if (PINNED) execFileSync("taskset", ["-a", "-p", "-c", String(LOAD_CPU), String(process.pid)], { stdio: "ignore" });
}

/** Prefixes a command with `taskset -c <cpu>` when pinning is on (children inherit the affinity). */
export function pinnedCommand(argv: string[], cpu: number | undefined = SERVER_CPU): string[] {
  return PINNED && cpu !== undefined ? ["taskset", "-c", String(cpu), ...argv] : argv;
}

/** How processes were placed, for the printed inputs. */
export function describePinning(): string {
  return PINNED ? `servers on CPU ${SERVER_CPU} (taskset -c ${SERVER_CPU}), load generator on CPU ${LOAD_CPU}` : "not pinned (BENCH_PIN=0 or fewer than 2 CPUs)";
}

/** Re-pins a running process (all its threads) to a CPU list such as "0" or "0,1"; no-op when pinning is off. */
export function setAffinity(pid: number, cpus: string): void {
  if (PINNED) execFileSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { stdio: "ignore" });
}

/** Places servers and this process (the load generator): pinned apart, or all floating over every CPU. */
export function placeProcesses(serverPids: number[], pinned: boolean): void {
  const all = Array.from({ length: cpus().length }, (_, i) => i).join(",");
  for (const pid of serverPids) setAffinity(pid, pinned ? String(SERVER_CPU) : all);
  setAffinity(process.pid, pinned ? String(LOAD_CPU) : all);
}
