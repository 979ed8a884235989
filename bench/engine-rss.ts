// Helper for engine-throughput.ts: reports the RSS of a fresh process holding an open PGlite store,
// so the number excludes initdb (first open) and the benchmark's own allocations.
// Usage: node bench/engine-rss.ts <dataDir>
import { createEngine } from "../src/core/index.ts";
import { openStore } from "../src/store/index.ts";

const dataDir = process.argv[2];
const baseline = process.memoryUsage().rss;
const db = await openStore({ dataDir });
const opened = process.memoryUsage().rss;
const engine = createEngine({ db });
const worker = engine.createWorker();
await worker.start();
await new Promise((r) => setTimeout(r, 200));
const withWorker = process.memoryUsage().rss;
await worker.stop();
await db.close();
process.stdout.write(JSON.stringify({ baseline, opened, withWorker }) + "\n");
