import type { Engine } from "../../../src/core/index.ts";
import type { Db } from "../../../src/store/index.ts";
import { ARAZZO_FILES, listFailures, loadApiSpec, runRespect, runScenarios, startServerTarget } from "../../contract/support/index.ts";
import { ALL_SCENARIOS, APPROVAL_DEFINITION, SLOW_DEFINITION } from "../../contract/support/scenarios/index.ts";
import { createFuzzWorld, runFuzzProperty, sendRequest } from "../../fuzz/support/index.ts";
import { startTestServer } from "../../support/servers.ts";
import type { Mutant } from "./mutants.ts";

/** The contract layers, each run as a plain function (no nested vitest). */
export const LAYERS = ["response validation", "Prism proxy", "scenario checks", "Arazzo (respect)", "fuzz property"] as const;
/** One of {@link LAYERS}. */
export type LayerName = (typeof LAYERS)[number];

/** Whether a layer flagged something, and what. */
export interface LayerVerdict {
  caught: boolean;
  evidence: string;
}

const offline: typeof fetch = async () => new Response("{}", { status: 200, headers: { "content-type": "application/json" } });

/**
 * Boots two servers on one store with the mutant's handlers (none for the baseline): one with response
 * validation on, for that layer, and one with it off, so the other layers see what the handler really sends.
 */
export async function judgeMutant(mutant: Mutant | undefined, db: Db, probes: readonly Mutant[], fuzz: { runs: number; baseSeed: number }): Promise<Record<LayerName, LayerVerdict>> {
  const start = (validate: boolean) => {
    let engine: Engine | undefined;
    const handlers = mutant?.handlers(() => engine as Engine, db);
    return startTestServer({ VALIDATE_RESPONSES: String(validate), SHUTDOWN_DEADLINE_MS: "200" }, { db, fetcher: offline, ...(handlers ? { handlers } : {}) }).then((server) => {
      engine = server.engine;
      return server;
    });
  };
  const [validating, plain] = [await start(true), await start(false)];
  try {
    const world = await createFuzzWorld(plain);
    const verdicts = {} as Record<LayerName, LayerVerdict>;

    const validatingWorld = { ...world, urls: { altostrat: validating.altostratUrl, alloy: validating.alloyUrl } };
    const probeAnswers = await Promise.all(probes.map(async (m) => ({ m, answer: await sendRequest(validatingWorld, m.api, m.probe(world)) })));
    const refused = probeAnswers.filter(({ answer }) => answer.status === 500 && (answer.body as { code?: string }).code === "internal_error");
    verdicts["response validation"] = verdict(refused.map(({ m }) => `${m.operationId} answered 500 internal_error`));

    const target = await startServerTarget(plain, "server");
    try {
      const scenarios = ALL_SCENARIOS.filter((s) => !mutant || s.apis.includes(mutant.api));
      const report = await runScenarios(target, scenarios);
      verdicts["Prism proxy"] = verdict(report.violations.map((v) => `${v.operationId} ${v.status}: ${v.field}: ${v.message}`));
      verdicts["scenario checks"] = verdict(listFailures({ ...report, violations: [] }));
    } finally {
      await target.stop();
    }

    const slow = await plain.engine.createWorkflow({ accountId: world.main.accountId, idStyle: "alloy", name: "slow", definition: SLOW_DEFINITION as never });
    const approval = await plain.engine.createWorkflow({ accountId: world.main.accountId, idStyle: "alloy", name: "approval", definition: APPROVAL_DEFINITION as never });
    const inputs = { token: world.main.token, apiKey: world.main.apiKey, workflowId: world.own.alloy.workflowId![0]!, slowWorkflowId: slow.id, approvalWorkflowId: approval.id };
    const apis = mutant ? [mutant.api] : (["altostrat", "alloy"] as const);
    const respect = await Promise.all(apis.map((api) => runRespect({ file: ARAZZO_FILES[api], servers: { [api]: api === "altostrat" ? plain.altostratUrl : plain.alloyUrl }, inputs })));
    verdicts["Arazzo (respect)"] = verdict(respect.flatMap((r) => r.workflows.filter((w) => w.status !== "success").map((w) => `${w.workflowId} ${w.status}${failedCheck(r.output)}`)));

    const ops = [...new Set(probes.map((m) => `${m.api}:${m.operationId}`))].map((key) => {
      const [api, operationId] = key.split(":") as ["altostrat" | "alloy", string];
      return loadApiSpec(api).operation(operationId);
    });
    const outcomes = [];
    for (const op of ops) outcomes.push(await runFuzzProperty(world, op, "valid", { ...fuzz, endOnFailure: true }));
    verdicts["fuzz property"] = verdict(outcomes.filter((o) => o.failed).map((o) => `${o.operationId}: ${firstProblem(o.report)}`));
    return verdicts;
  } finally {
    await Promise.all([validating.stop(), plain.stop()]);
  }
}

function verdict(findings: string[]): LayerVerdict {
  return { caught: findings.length > 0, evidence: findings[0]?.slice(0, 160) ?? "" };
}

function failedCheck(output: string): string {
  const line = output.split("\n").find((l) => /✗ (?!.*- step)/.test(l) && !/✗\s*$/.test(l));
  return line ? `: ${line.trim()}` : "";
}

function firstProblem(report: string | undefined): string {
  return /Problem: (.*)/.exec(report ?? "")?.[1] ?? "failed";
}
