// The HTTP path alone: Reprise's Altostrat app (validated or not) or the fastify peer in front of an
// engine whose getRun answers a fixed run from memory, so the store's cost is out of the picture.
// BENCH_SERVE = { framework: "express" | "express-unvalidated" | "fastify", logLevel?: "info" (access log on) | "warn",
//                 validateResponses?: boolean (default true) }
import type { AddressInfo } from "node:net";
import { createAltostratApp } from "../src/apis/altostrat/index.ts";
import { createJwtVerifier, mintDevToken } from "../src/auth/index.ts";
import type { Engine, NodeLogRecord, RunRecord } from "../src/core/index.ts";
import { createLogger, createRequestId } from "../src/log/index.ts";
import { readServeOptions, serveIpc } from "./lib/child-ipc.ts";
import { createFastifyPeer } from "./lib/fastify-app.ts";
import { createProfilerCommands } from "./lib/profiler.ts";
import { BENCH_JWT_SECRET } from "./lib/seed.ts";

const {
  framework,
  logLevel = "warn",
  validateResponses = true,
} = readServeOptions<{ framework: "express" | "express-unvalidated" | "fastify"; logLevel?: "info" | "warn"; validateResponses?: boolean }>();
const accountId = "acct_01hzzzzzzzzzzzzzzzzzzzzzzz";
const runId = "fl_run_01hzzzzzzzzzzzzzzzzzzzzzzz";
const at = new Date("2026-01-01T00:00:00.000Z");
const run: RunRecord = {
  id: runId,
  accountId,
  endUserId: null,
  workflowId: "fl_wf_01hzzzzzzzzzzzzzzzzzzzzzzz",
  workflowVersion: 1,
  status: "completed",
  triggerType: "manual",
  triggerPayload: { order: "A-1", qty: 3, price: 42.5 },
  rerunOf: null,
  rootRunId: null,
  resumeFromNode: null,
  errorMessage: null,
  createdAt: at,
  startedAt: at,
  completedAt: new Date(at.getTime() + 12),
  availableAt: at,
  leaseOwner: null,
  leaseExpiresAt: null,
  attempts: 1,
} as RunRecord;
const log = (i: number, nodeId: string, componentId: string, output: unknown): NodeLogRecord =>
  ({ id: `fl_log_01hzzzzzzzzzzzzzzzzzzzzzz${i}`, runId, workflowId: run.workflowId, nodeId, componentId, status: "success", output, copiedFrom: null, startedAt: at, createdAt: at }) as NodeLogRecord;
const logs = [log(1, "start", "trigger", run.triggerPayload), log(2, "shape", "transform", { order: "A-1", total: 127.5 }), log(3, "big", "condition", { result: true })];
// Only getRun is served; a copy per call, as a store read would return.
const engine = { getRun: async () => ({ ...run, logs: logs.map((l) => ({ ...l })) }) } as unknown as Engine;
const verifier = createJwtVerifier({ secret: BENCH_JWT_SECRET, algorithms: ["HS256"], accountClaim: "account_id", clockSkewSeconds: 30 });
const token = await mintDevToken({ secret: BENCH_JWT_SECRET, accountId, expiresInSeconds: 24 * 3600 });

let url: string;
let close: () => Promise<void>;
if (framework === "fastify") {
  const app = await createFastifyPeer(engine, verifier);
  url = await app.listen({ host: "127.0.0.1", port: 0 });
  close = () => app.close();
} else {
  const app = createAltostratApp({
    engine,
    verifier,
    logger: createLogger({ level: logLevel }),
    validateResponses,
    bodyLimit: "1mb",
    newRequestId: createRequestId,
    ...(framework === "express-unvalidated" ? { unvalidated: { accountId } } : {}),
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
}

serveIpc({ accountId, token, runId, workflowId: run.workflowId, altostratUrl: url }, { ...createProfilerCommands() }, close);
