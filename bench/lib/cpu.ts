import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU used while a load point ran: by the listed processes, by PostgreSQL, and per CPU of the machine. */
export interface CpuUse {
  /** CPU-seconds per wall second of the listed processes together (1.0 = one core fully busy). */
  servers: number;
  /** Same for every process named `postgres` (0 when there are none). */
  postgres: number;
  /** Busy share of each CPU of the machine, whoever used it (other tenants included). */
  perCpu: number[];
}

/** Starts measuring; the returned function stops and reports. */
export function startCpuSample(pids: number[]): () => CpuUse {
  const t0 = performance.now();
  const servers0 = pids.map(readProcessMs);
  const pg0 = readPostgresMs();
  const cpus0 = readCpuTicks();
  return () => {
    const wallMs = performance.now() - t0;
    const servers = pids.map(readProcessMs).reduce((sum, ms, i) => sum + (ms - (servers0[i] ?? ms)), 0);
    const pg = [...readPostgresMs()].reduce((sum, [pid, ms]) => sum + ms - (pg0.get(pid) ?? ms), 0);
    const perCpu = readCpuTicks().map((c, i) => {
      const before = cpus0[i] ?? c;
      const total = c.total - before.total;
      return total > 0 ? (total - (c.idle - before.idle)) / total : 0;
    });
    return { servers: servers / wallMs, postgres: pg / wallMs, perCpu };
  };
}

function readProcessMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after "pid (comm) ".
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

function readPostgresMs(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres") out.set(Number(entry), readProcessMs(Number(entry)));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

function readCpuTicks(): { total: number; idle: number }[] {
  return readFileSync("/proc/stat", "utf8")
    .split("\n")
    .filter((line) => /^cpu\d+ /.test(line))
    .map((line) => {
      const v = line.split(/\s+/).slice(1).map(Number);
      const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
      return { total: v.reduce((a, b) => a + b, 0), idle };
    });
}

/** `0.97 server, 0.40 postgres; CPUs 98%/35%` */
export function formatCpu(use: CpuUse): string {
  const cpus = use.perCpu.map((c) => `${Math.round(c * 100)}%`).join("/");
  return `servers ${use.servers.toFixed(2)} cores${use.postgres > 0.005 ? `, postgres ${use.postgres.toFixed(2)}` : ""}; CPUs busy ${cpus}`;
}
