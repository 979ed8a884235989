import { mintDevToken } from "../../../src/auth/index.ts";
import type { Db } from "../../../src/store/index.ts";
import type { Engine } from "../../../src/core/index.ts";
import { TEST_JWT_SECRET, waitFor } from "../../support/servers.ts";
import { ECHO } from "../../support/workflows.ts";
import type { ApiName, CoverageRecorder } from "../../contract/support/index.ts";

/** Credentials of one account on both APIs. */
export interface FuzzAccount {
  accountId: string;
  token: string;
  apiKey: string;
}

/** IDs that exist, by API and by the parameter (or body field) name that carries them. */
export type IdPool = Record<ApiName, Record<string, string[]>>;

/** Everything the fuzz properties need about the server under test. */
export interface FuzzWorld {
  urls: Record<ApiName, string>;
  main: FuzzAccount;
  /** Resources of `main`, used to reach the 2xx paths. */
  own: IdPool;
  /** Resources of another account: any request naming one must get 404. */
  foreign: IdPool;
  /** Tokens the Altostrat API must refuse. */
  badTokens: Record<string, string>;
  /**
   * Number of runs in the store (all accounts) that requests created: runs a bulk rerun job queues in
   * the background are left out (a page inserts them and adds them to its job's `queued` in one
   * transaction, so one statement sees both or neither).
   */
  countRuns(): Promise<number>;
  /** Records every request sent and its answer (contract coverage); unset, nothing is recorded. */
  coverage?: CoverageRecorder;
}

/** The part of a running server the fuzz world is built from. */
export interface FuzzServer {
  altostratUrl: string;
  alloyUrl: string;
  engine: Engine;
  db: Db;
  createTenant(name?: string): Promise<{ accountId: string; token: string; apiKey: string }>;
}

/** Creates two accounts, each with one finished run per API, and returns the pools of their IDs. */
export async function createFuzzWorld(server: FuzzServer): Promise<FuzzWorld> {
  const [main, other] = [await server.createTenant("fuzz-main"), await server.createTenant("fuzz-other")];
  const seed = async (accountId: string) => {
    const engine = server.engine;
    const wf = await engine.createWorkflow({ accountId, idStyle: "altostrat", name: "fuzz", definition: ECHO, withWebhook: true });
    const alloyWf = await engine.createWorkflow({ accountId, idStyle: "alloy", name: "fuzz", definition: ECHO });
    const run = await engine.executeWorkflow({ accountId, workflowId: wf.id, payload: { n: 1 }, triggerType: "manual" });
    const exec = await engine.executeWorkflow({ accountId, workflowId: alloyWf.id, payload: { n: 1 }, triggerType: "manual", endUserId: "fuzz-user" });
    for (const id of [run.run.id, exec.run.id]) {
      await waitFor(() => engine.getRun(accountId, id), (r) => r.status === "completed" || r.status === "failed");
    }
    return {
      altostrat: { workflowId: [wf.id], runId: [run.run.id], nodeId: ["n1", "n2"], webhookToken: [wf.webhookToken ?? ""] },
      alloy: { workflowId: [alloyWf.id], executionId: [exec.run.id] },
    };
  };
  const [own, foreign] = [await seed(main.accountId), await seed(other.accountId)];
  // Webhook tokens are credentials in their own right: another account's token is not a leak.
  foreign.altostrat.webhookToken = [];
  foreign.altostrat.nodeId = [];
  const now = Math.floor(Date.now() / 1000);
  const expired = await mintDevToken({ secret: TEST_JWT_SECRET, accountId: main.accountId, expiresInSeconds: 60, clock: () => (now - 7200) * 1000 });
  const { forgeTokens } = await import("../../contract/support/scenarios/definitions.ts");
  return {
    urls: { altostrat: server.altostratUrl, alloy: server.alloyUrl },
    main: { accountId: main.accountId, token: main.token, apiKey: main.apiKey },
    own,
    foreign,
    badTokens: { ...(await forgeTokens()), expired },
    async countRuns() {
      const { rows } = await server.db.query<{ n: string | number }>(
        "SELECT (SELECT count(*) FROM runs) - (SELECT coalesce(sum(queued), 0) FROM rerun_jobs) AS n",
      );
      return Number(rows[0]?.n ?? 0);
    },
  };
}
