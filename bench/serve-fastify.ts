// The fastify peer (bench/lib/fastify-app.ts) on its own PGlite store, seeded like the Reprise
// benchmark server. BENCH_SERVE = { dataDir }
import { createJwtVerifier } from "../src/auth/index.ts";
import { createEngine } from "../src/core/index.ts";
import { openStore } from "../src/store/index.ts";
import { readServeOptions, serveIpc } from "./lib/child-ipc.ts";
import { createFastifyPeer } from "./lib/fastify-app.ts";
import { createProfilerCommands } from "./lib/profiler.ts";
import { BENCH_JWT_SECRET, seedTenant } from "./lib/seed.ts";

const options = readServeOptions<{ dataDir: string }>();
const db = await openStore({ dataDir: options.dataDir });
const engine = createEngine({ db });
// An idle worker, as the Reprise server has, so both processes carry the same background.
const worker = engine.createWorker({ concurrency: 8, pollIntervalMs: 1000 });
await worker.start();
const seeded = await seedTenant(engine);
const verifier = createJwtVerifier({ secret: BENCH_JWT_SECRET, algorithms: ["HS256"], accountClaim: "account_id", clockSkewSeconds: 30 });
const app = await createFastifyPeer(engine, verifier);
const url = await app.listen({ host: "127.0.0.1", port: 0 });

serveIpc({ ...seeded, altostratUrl: url }, { ...createProfilerCommands() }, async () => {
  await app.close();
  await worker.stop();
  await db.close();
});
