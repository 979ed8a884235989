import { execFileSync, spawnSync } from "node:child_process";

/** Stops and starts the local PostgreSQL cluster that serves a DATABASE_URL (Debian's pg_ctlcluster). */
export interface ClusterControl {
  /** e.g. "15/main". */
  name: string;
  stop(): void;
  start(): void;
  isOnline(): boolean;
}

/**
 * Finds the cluster behind `databaseUrl` with `pg_lsclusters`: same port, local host. Returns the
 * reason instead when this machine cannot restart it (not root, no Debian cluster tools, remote server).
 */
export function findClusterControl(databaseUrl: string | undefined): { control?: ClusterControl; reason?: string } {
  if (!databaseUrl) return { reason: "DATABASE_URL is not set" };
  const url = new URL(databaseUrl);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) return { reason: `PostgreSQL at ${url.hostname} is not local` };
  if (process.getuid?.() !== 0) return { reason: "restarting PostgreSQL needs root (pg_ctlcluster)" };
  const listed = spawnSync("pg_lsclusters", ["-h"], { encoding: "utf8" });
  if (listed.status !== 0) return { reason: "pg_lsclusters is not available (no Debian PostgreSQL cluster tools)" };
  const port = url.port || "5432";
  const line = listed.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find((cols) => cols[2] === port);
  if (!line) return { reason: `no cluster listed by pg_lsclusters listens on port ${port}` };
  const [version, cluster] = line as [string, string];
  const ctl = (action: string, ...extra: string[]) => execFileSync("pg_ctlcluster", [version, cluster, action, ...extra], { stdio: "pipe", timeout: 60_000 });
  const control: ClusterControl = {
    name: `${version}/${cluster}`,
    stop: () => void ctl("stop", "--mode", "fast"),
    start: () => void ctl("start"),
    isOnline: () =>
      spawnSync("pg_lsclusters", ["-h", version, cluster], { encoding: "utf8" }).stdout.split(/\s+/)[3] === "online",
  };
  return { control };
}
