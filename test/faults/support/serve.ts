// One Reprise server process for the fault suite and the scale benchmark: startServer with the same
// signal handling as `reprise start`, configured from the environment (ALTOSTRAT_PORT=0 and
// ALLOY_PORT=0 pick free ports), logging to stderr, and announcing itself on stdout as one JSON line:
// {"ready":true,"pid":…,"workerId":"wk_…","altostratUrl":"http://…","alloyUrl":"http://…"}
// With SERVE_EXIT_WITH_PARENT=1 and stdin a pipe from the parent, it stops (as on SIGTERM) when that
// pipe closes: the parent died, whatever killed it.
import { pino } from "pino";
import { loadConfig } from "../../../src/config.ts";
import { startWhenStoreIsReachable, stopOnSignals } from "../../../src/lifecycle.ts";
import { createLogger } from "../../../src/log/index.ts";
import { startServer } from "../../../src/server.ts";

// Before start-up: a parent gone while the store is still being retried ends this process too.
if (process.env.SERVE_EXIT_WITH_PARENT === "1") {
  process.stdin.on("close", () => process.kill(process.pid, "SIGTERM"));
  process.stdin.resume();
}
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, destination: pino.destination(2) });
const server = await startWhenStoreIsReachable(config.store, logger, () => startServer(config, { logger }));
stopOnSignals(server, logger, { deadlineMs: config.worker.shutdownDeadlineMs });
const ready = { ready: true, pid: process.pid, workerId: server.worker?.id ?? null, altostratUrl: server.altostratUrl, alloyUrl: server.alloyUrl };
process.stdout.write(`${JSON.stringify(ready)}\n`);
