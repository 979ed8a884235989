// Figure 7 — the contract pipeline's wall time: `npm run generate` and `npm run check:generated`
// (each in a scratch copy of the project, so the working tree is never rewritten), and the full
// `npm test` when BENCH_NPM_TEST=1 (otherwise the last measured value is carried over).
// Run: npm run bench:pipeline   (BENCH_NPM_TEST=1 npm run bench:pipeline to time npm test too)
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mainFigure } from "./lib/figure.ts";
import { placeProcesses } from "./lib/pin.ts";
import type { Figure, Row } from "./lib/report.ts";
import { fmt } from "./lib/stats.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// generate also bundles the run console from src/console (and what it imports from src/).
const COPIED = ["package.json", "redocly.yaml", "openapi", "scripts", "generated", "src"];
const SAVED = fileURLToPath(new URL("./results/7-pipeline.json", import.meta.url));

function timeNpm(script: string, cwd: string): { seconds: number; ok: boolean; tail: string } {
  const t0 = performance.now();
  const result = spawnSync("npm", ["run", "--silent", script], { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
  const seconds = (performance.now() - t0) / 1000;
  const tail = `${result.stdout}${result.stderr}`.trim().split("\n").slice(-3).join(" ⏎ ");
  return { seconds, ok: result.status === 0, tail };
}

function carriedOverNpmTest(): Row | undefined {
  if (!existsSync(SAVED)) return undefined;
  const saved = JSON.parse(readFileSync(SAVED, "utf8")) as { rows: Row[]; at: string };
  const row = saved.rows.find((r) => r.measure.startsWith("npm test"));
  if (!row) return undefined;
  return { ...row, measure: row.measure.includes("carried over") ? row.measure : `${row.measure} (carried over from ${saved.at.slice(0, 16)})` };
}

/** Times generate and check:generated in a scratch copy, and npm test in place when asked. */
export async function measurePipeline(): Promise<Figure> {
  placeProcesses([], false); // the pipeline uses every CPU, as on a developer's machine
  const scratch = mkdtempSync(join(tmpdir(), "reprise-bench-pipeline-"));
  const rows: Row[] = [];
  try {
    for (const entry of COPIED) cpSync(join(ROOT, entry), join(scratch, entry), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(scratch, "node_modules"), "dir");
    for (const script of ["generate", "check:generated"]) {
      const r = timeNpm(script, scratch);
      rows.push({ measure: `npm run ${script}, wall s${r.ok ? "" : ` (FAILED: ${r.tail})`}`, value: fmt(r.seconds), target: "≤ 5 s", met: r.ok && r.seconds <= 5 });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (process.env.BENCH_NPM_TEST === "1") {
    const r = timeNpm("test", ROOT);
    rows.push({ measure: `npm test, wall s${r.ok ? "" : " (some step failed; see its output)"}`, value: fmt(r.seconds), target: "≤ 600 s", met: r.seconds <= 600 });
  } else {
    rows.push(carriedOverNpmTest() ?? { measure: "npm test", value: "not timed (BENCH_NPM_TEST=1 to time it)", target: "≤ 600 s" });
  }
  return {
    id: "7-pipeline",
    title: "7. Pipeline wall time",
    command: "npm run bench:pipeline",
    inputs: { how: "each command once, through npm, unpinned; generate and check:generated in a scratch copy of openapi/, scripts/, generated/, src/ (node_modules linked)" },
    rows,
  };
}

mainFigure(import.meta.url, measurePipeline);
