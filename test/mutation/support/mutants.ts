import { createAlloyHandlers } from "../../../src/apis/alloy/index.ts";
import { createAltostratHandlers } from "../../../src/apis/altostrat/index.ts";
import type { Engine } from "../../../src/core/index.ts";
import type { ServerOverrides } from "../../../src/server.ts";
import type { Db } from "../../../src/store/index.ts";
import type { ApiName } from "../../contract/support/index.ts";
import type { FuzzRequest, FuzzWorld } from "../../fuzz/support/index.ts";

/** A handler broken on purpose, to prove the contract layers notice. */
export interface Mutant {
  name: string;
  api: ApiName;
  operationId: string;
  /** The replaced handlers, built against the server's engine (available once it has started). */
  handlers(engine: () => Engine, db: Db): NonNullable<ServerOverrides["handlers"]>;
  /** One request that reaches the broken handler. */
  probe(world: FuzzWorld): FuzzRequest;
}

const altostrat = (engine: () => Engine) => createAltostratHandlers(engine());
const alloy = (engine: () => Engine) => createAlloyHandlers(engine());
const bearer = (world: FuzzWorld) => ({ Authorization: `Bearer ${world.main.token}` });
const own = (world: FuzzWorld, api: ApiName, name: string) => world.own[api][name]![0]!;

/** The mutants: a wrong field type, a missing required field, a wrong status, and a leak across accounts. */
export const MUTANTS: readonly Mutant[] = [
  {
    name: "wrong field type (workflow_version as a string)",
    api: "altostrat",
    operationId: "getWorkflowRun",
    handlers: (engine) => ({
      altostrat: {
        async getWorkflowRun(input) {
          const result = await altostrat(engine).getWorkflowRun(input);
          return { ...result, body: { ...result.body, workflow_version: String(result.body.workflow_version) as never } };
        },
      },
    }),
    probe: (world) => ({ operationId: "getWorkflowRun", method: "GET", path: `/workflows/runs/${own(world, "altostrat", "runId")}`, query: [], headers: bearer(world), foreign: false }),
  },
  {
    name: "missing required field (Execution without finished)",
    api: "alloy",
    operationId: "getExecution",
    handlers: (engine) => ({
      alloy: {
        async getExecution(input) {
          const result = await alloy(engine).getExecution(input);
          const { finished: _dropped, ...body } = result.body;
          return { ...result, body: body as never };
        },
      },
    }),
    probe: (world) => ({
      operationId: "getExecution",
      method: "GET",
      path: `/logs/${own(world, "alloy", "executionId")}`,
      query: [],
      headers: { Authorization: `bearer ${world.main.apiKey}`, "x-api-version": "2025-09" },
      foreign: false,
    }),
  },
  {
    name: "wrong status (rerun answers 200, not 202)",
    api: "altostrat",
    operationId: "rerunWorkflowRun",
    handlers: (engine) => ({
      altostrat: {
        async rerunWorkflowRun(input) {
          const result = await altostrat(engine).rerunWorkflowRun(input);
          return { ...result, status: 200 as never };
        },
      },
    }),
    probe: (world) => ({ operationId: "rerunWorkflowRun", method: "POST", path: `/workflows/runs/${own(world, "altostrat", "runId")}/rerun`, query: [], headers: bearer(world), foreign: false }),
  },
  {
    name: "leaked run of another account",
    api: "altostrat",
    operationId: "getWorkflowRun",
    handlers: (engine, db) => ({
      altostrat: {
        // Reads the run as its owner instead of as the caller: schema-valid, but another account's data.
        async getWorkflowRun(input) {
          const { rows } = await db.query<{ account_id: string }>("SELECT account_id FROM runs WHERE id = $1", [input.path.runId]);
          return altostrat(engine).getWorkflowRun({ ...input, context: { accountId: rows[0]?.account_id ?? input.context.accountId } });
        },
      },
    }),
    probe: (world) => ({
      operationId: "getWorkflowRun",
      method: "GET",
      path: `/workflows/runs/${world.foreign.altostrat.runId![0]}`,
      query: [],
      headers: bearer(world),
      foreign: true,
    }),
  },
];
