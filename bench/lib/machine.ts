import { readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";

/** The machine a figure ran on. */
export interface Machine {
  nproc: number;
  cpu: string;
  memGb: number;
  node: string;
  os: string;
}

/** nproc, CPU model (from /proc/cpuinfo), memory, Node version and kernel. */
export function describeMachine(): Machine {
  let cpu = "unknown CPU";
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: keep "unknown CPU"
  }
  // cpus(), not availableParallelism(): the latter honours this process's own pinning.
  return { nproc: cpus().length, cpu, memGb: Math.round(totalmem() / 1024 ** 3), node: process.version, os: `Linux ${release()}` };
}
