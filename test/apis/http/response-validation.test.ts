import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type express from "express";
import { afterEach, describe, expect, it } from "vitest";
import type { components as AlloySchemas } from "../../../generated/alloy/schema.d.ts";
import type { components as AltostratSchemas } from "../../../generated/altostrat/schema.d.ts";
import { createAlloyApp, type AlloyAppOptions } from "../../../src/apis/alloy/index.ts";
import { createAltostratApp, type AltostratAppOptions } from "../../../src/apis/altostrat/index.ts";
import { createJwtVerifier, mintDevToken } from "../../../src/auth/index.ts";
import type { Engine } from "../../../src/core/index.ts";
import { createLogger, createRequestId } from "../../../src/log/index.ts";
import { TEST_JWT_SECRET } from "../../support/servers.ts";
import { expectError } from "../../support/error-body.ts";

type Workflow = AltostratSchemas["schemas"]["Workflow"];
type Execution = AlloySchemas["schemas"]["Execution"];

const WORKFLOW: Workflow = {
  id: `fl_wf_${"1".repeat(26)}`,
  name: "contract",
  description: null,
  version: 1,
  definition: { nodes: [{ id: "n1", type: "trigger" }], edges: [] },
  webhook_token: null,
  created_at: "2025-10-31T12:00:00.000Z",
  updated_at: "2025-10-31T12:00:00.000Z",
};
const EXECUTION: Execution = {
  executionId: "37e974f0-5d0c4035",
  workflowId: "8c4fa2815d2802827283e0ad",
  userId: "u1",
  status: "completed",
  executionMode: "trigger",
  startedAt: "2025-10-31T12:10:00.000Z",
  stoppedAt: "2025-10-31T12:10:01.250Z",
  finished: true,
  rerunOf: null,
  results: [],
  inputs: [],
};

/** Handlers here never reach the engine: every operation a test calls is overridden. */
const NO_ENGINE = {} as Engine;

describe("response validation", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  /** A logger writing JSON lines into `lines`, so a test can see what was logged. */
  function captureLogs() {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: "error", destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    return { lines, logger };
  }

  async function listen(app: express.Express): Promise<string> {
    const server = app.listen(0, "127.0.0.1");
    servers.push(server);
    await new Promise((resolve) => server.once("listening", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function startAltostrat(handlers: AltostratAppOptions["handlers"], validateResponses = true) {
    const { lines, logger } = captureLogs();
    const verifier = createJwtVerifier({ secret: TEST_JWT_SECRET, algorithms: ["HS256"], accountClaim: "account_id", clockSkewSeconds: 0 });
    const url = await listen(
      createAltostratApp({ engine: NO_ENGINE, verifier, logger, validateResponses, bodyLimit: "1mb", newRequestId: createRequestId, handlers }),
    );
    const token = await mintDevToken({ secret: TEST_JWT_SECRET, accountId: "acct_1", expiresInSeconds: 600 });
    const get = (path: string) => fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    return { get, lines };
  }

  async function startAlloy(handlers: AlloyAppOptions["handlers"]) {
    const { lines, logger } = captureLogs();
    const authenticate = async () => ({ accountId: "acct_1" });
    const url = await listen(createAlloyApp({ engine: NO_ENGINE, authenticate, logger, validateResponses: true, bodyLimit: "1mb", newRequestId: createRequestId, handlers }));
    const get = (path: string) => fetch(`${url}${path}`, { headers: { Authorization: "bearer k", "x-api-version": "2025-09" } });
    return { get, lines };
  }

  const path = `/workflows/${WORKFLOW.id}`;

  it("turns a handler answer that breaks the contract into a logged 500 in the ErrorResponse shape", async () => {
    const strayed = { ...WORKFLOW, version: "one" } as unknown as Workflow;
    const { get, lines } = await startAltostrat({ getWorkflow: async () => ({ status: 200, body: strayed }) });
    const { body } = await expectError("altostrat", await get(path), { status: 500, code: "internal_error", type: "api_error" });
    expect(body.message).not.toMatch(/version|response/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, requestId: body.request_id, msg: "request failed" });
    expect(JSON.stringify(lines[0]!.err)).toContain("/response/version");
  });

  it("catches an undocumented success status the same way", async () => {
    const { get, lines } = await startAltostrat({ getWorkflow: async () => ({ status: 201, body: WORKFLOW }) as never });
    await expectError("altostrat", await get(path), { status: 500, code: "internal_error" });
    expect(lines).toHaveLength(1);
  });

  it("lets the same answer through when response validation is off (what production does)", async () => {
    const strayed = { ...WORKFLOW, version: "one" } as unknown as Workflow;
    const { get } = await startAltostrat({ getWorkflow: async () => ({ status: 200, body: strayed }) }, false);
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(((await response.json()) as Workflow).version).toBe("one");
  });

  it("answers a handler's unexpected exception with a 500 that hides its message, and logs it", async () => {
    const { get, lines } = await startAltostrat({
      getWorkflow: async () => {
        throw new Error("connection to 10.0.0.7 refused: password=hunter2");
      },
    });
    const { text } = await expectError("altostrat", await get(path), { status: 500, code: "internal_error" });
    expect(text).not.toMatch(/hunter2|10\.0\.0\.7/);
    expect(JSON.stringify(lines[0]!.err)).toContain("connection to 10.0.0.7 refused");
  });

  it("turns an Alloy handler answer that breaks the contract into a logged 500 in the Error shape", async () => {
    const strayed = { ...EXECUTION, executionMode: "replay" } as unknown as Execution;
    const { get, lines } = await startAlloy({ getExecution: async () => ({ status: 200, body: strayed }) });
    const { body } = await expectError("alloy", await get(`/logs/${EXECUTION.executionId}`), { status: 500, code: "internal_error" });
    expect(lines[0]).toMatchObject({ requestId: body.requestId });
    expect(JSON.stringify(lines[0]!.err)).toContain("/response/executionMode");
  });
});
