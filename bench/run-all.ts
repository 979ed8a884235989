// npm run bench: every figure in turn (each also runs alone: npm run bench:<name>), then a summary of
// the targets. Results are printed, saved under bench/results/ and written into bench/RESULTS.md.
import { measureAgainstMock } from "./mock.ts";
import { measureBulk } from "./bulk.ts";
import { measureFastifyPeer } from "./fastify-peer.ts";
import { measureFigure, type FigureRun } from "./lib/figure.ts";
import type { Figure } from "./lib/report.ts";
import { measureMemory } from "./memory.ts";
import { measurePipeline } from "./pipeline.ts";
import { measureRerunLatency } from "./rerun-latency.ts";
import { measureReruns } from "./reruns.ts";
import { measureSaturation } from "./saturation.ts";
import { measureValidation } from "./validation.ts";

// The bulk figure is capped so the whole run stays under ten minutes; alone it waits up to 150 s.
const BULK_TIMEOUT_S = Number(process.env.BENCH_BULK_TIMEOUT_S ?? 35);

const FIGURES: [string, FigureRun][] = [
  ["pipeline", measurePipeline],
  ["validation", measureValidation],
  ["mock", measureAgainstMock],
  ["fastify", measureFastifyPeer],
  ["reruns", measureReruns],
  ["latency", measureRerunLatency],
  ["saturation", measureSaturation],
  ["bulk", () => measureBulk({ timeoutS: BULK_TIMEOUT_S })],
  ["memory", measureMemory],
];

const only = process.argv.slice(2);
const t0 = performance.now();
const done: Figure[] = [];
for (const [name, run] of FIGURES) {
  if (only.length > 0 && !only.includes(name)) continue;
  const started = performance.now();
  try {
    done.push(await measureFigure(run));
  } catch (err) {
    console.error(`bench ${name} failed:`, err);
    process.exitCode = 1;
  }
  console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
console.log("\nTargets:");
for (const fig of done) {
  for (const row of fig.rows.filter((r) => r.met !== undefined)) {
    console.log(`  ${row.met ? "met    " : "NOT MET"}  ${fig.title.split(" (")[0]} — ${row.measure}: ${row.value} (target ${row.target})`);
  }
}
console.log(`\nAll figures in ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
process.exit();
