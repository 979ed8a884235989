// npm run bench:startup: how the server process runs its TypeScript. Starts `reprise start` on a fresh
// embedded store, alternately with Node's own type stripping and with tsx's loader, and measures the
// time from spawn to the first 200 from /healthz and the process's RSS once it answers.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SERVER_HEAP_FLAGS } from "../bin/heap-flags.js";
import { mainFigure } from "./lib/figure.ts";
import type { Figure } from "./lib/report.ts";
import { fmt, fmtRatio, median } from "./lib/stats.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 5);

const MODES = {
  "type stripping": [] as string[],
  "tsx loader": ["--import", "tsx"],
};
type Mode = keyof typeof MODES;

async function startOnce(mode: Mode, port: number): Promise<{ ms: number; rssMb: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "reprise-startup-"));
  const t0 = performance.now();
  const child = spawn(process.execPath, [...SERVER_HEAP_FLAGS, ...MODES[mode], MAIN, "start"], {
    env: { ...process.env, REPRISE_DATA_DIR: dataDir, ALTOSTRAT_PORT: String(port), ALLOY_PORT: String(port + 1), LOG_LEVEL: "silent" },
    stdio: "ignore",
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (performance.now() - t0 > 60_000) throw new Error("server did not answer within 60 s");
      await new Promise((r) => setTimeout(r, 5));
    }
    const ms = performance.now() - t0;
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1]);
    return { ms, rssMb: rssKb / 1024 };
  } finally {
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Measures both ways of running the server, interleaved, and reports medians and ratios. */
export async function measureStartup(): Promise<Figure> {
  const results: Record<Mode, { ms: number[]; rss: number[] }> = {
    "type stripping": { ms: [], rss: [] },
    "tsx loader": { ms: [], rss: [] },
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of Object.keys(MODES) as Mode[]) {
      const { ms, rssMb } = await startOnce(mode, 18_181);
      results[mode].ms.push(ms);
      results[mode].rss.push(rssMb);
    }
  }
  const strip = results["type stripping"];
  const tsx = results["tsx loader"];
  return {
    id: "9-startup",
    title: "9. Start-up: Node's type stripping vs the tsx loader",
    command: "npm run bench:startup",
    inputs: { rounds: String(ROUNDS), store: "embedded (fresh data directory each start)", order: "interleaved" },
    rows: [
      { measure: "spawn → first /healthz 200, type stripping (median ms)", value: fmt(median(strip.ms)) },
      { measure: "spawn → first /healthz 200, tsx loader (median ms)", value: fmt(median(tsx.ms)) },
      { measure: "start-up time, stripping / tsx", value: fmtRatio(median(strip.ms) / median(tsx.ms)) },
      { measure: "RSS when ready, type stripping (median MB)", value: fmt(median(strip.rss)) },
      { measure: "RSS when ready, tsx loader (median MB)", value: fmt(median(tsx.rss)) },
      { measure: "RSS, stripping / tsx", value: fmtRatio(median(strip.rss) / median(tsx.rss)) },
    ],
  };
}

mainFigure(import.meta.url, measureStartup);
