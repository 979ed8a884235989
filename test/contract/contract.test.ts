import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../support/servers.ts";
import {
  ARAZZO_FILES,
  createCoverageRecorder,
  formatMatrix,
  listFailures,
  runRespect,
  runScenario,
  startDeploymentTarget,
  startMockTarget,
  startServerTarget,
  STATEFUL_WORKFLOWS,
  type CheckResult,
  type ContractTarget,
  type ScenarioReport,
} from "./support/index.ts";
import { ALL_SCENARIOS } from "./support/scenarios/index.ts";

// `reprise contract` and `npm run test:contract` set CONTRACT_TARGETS; `npm test` runs mock and server.
const LABELS = (process.env.CONTRACT_TARGETS ?? "mock,server").split(",").map((s) => s.trim()).filter(Boolean);
const reports = new Map<string, ScenarioReport>();
const targets = new Map<string, ContractTarget>();
/** Where respect talks to each API: the server itself (not its proxy), the mock, or the deployment. */
const direct = new Map<string, { altostrat: string; alloy?: string }>();
let server: TestServer | undefined;

beforeAll(async () => {
  const start = async (label: string): Promise<ContractTarget> => {
    if (label === "mock") return startMockTarget();
    if (label === "deployment") return startDeploymentTarget(process.env);
    if (label !== "server") throw new Error(`Unknown contract target '${label}' (mock, server, deployment)`);
    // Loaded only for this target: a run against a deployment or the mock needs no server code.
    const { startTestServer } = await import("../support/servers.ts");
    server = await startTestServer({ SHUTDOWN_DEADLINE_MS: "200" });
    return startServerTarget(server);
  };
  for (const target of await Promise.all(LABELS.map(start))) {
    targets.set(target.label, target);
    const raw = target.label === "server" && server ? { altostrat: server.altostratUrl, alloy: server.alloyUrl } : undefined;
    direct.set(target.label, raw ?? { altostrat: target.altostratUrl, ...(target.alloyUrl ? { alloy: target.alloyUrl } : {}) });
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([...targets.values()].map((target) => target.stop()));
  await server?.stop();
  if (reports.size > 0) console.log(`\nContract checks by target:\n${formatMatrix([...reports.values()])}\n`);
});

describe("contract scenarios", () => {
  for (const label of LABELS) {
    for (const scenario of ALL_SCENARIOS) {
      it(`${scenario.name} [${label}]`, async (ctx) => {
        const target = targets.get(label)!;
        const part = await runScenario(target, scenario, { coverage: createCoverageRecorder("scenarios", target) });
        const report = reports.get(label) ?? { target: label, checks: [], violations: [] };
        report.checks.push(...part.checks);
        report.violations.push(...part.violations);
        reports.set(label, report);
        // For reporters (reprise contract's JSON summary): every check with its outcome and reason.
        (ctx.task.meta as { checks?: CheckResult[] }).checks = part.checks;
        const notRun = part.checks.filter((c) => c.outcome === "not-run");
        for (const c of notRun) await ctx.annotate(`${c.check}: ${c.detail ?? "no reason given"}`, "not run");
        const failures = listFailures(part);
        expect(failures, failures.join("\n")).toEqual([]);
        // A scenario that could not run at all is a skipped test with its reason, not a pass.
        if (notRun.length > 0 && notRun.length === part.checks.length) ctx.skip(notRun.map((c) => c.detail).join("; "));
      });
    }
  }

  it("ran every check on every target it was declared for, and nothing else", () => {
    const all = [...reports.values()];
    expect(all.map((r) => r.target).sort()).toEqual([...LABELS].sort());
    const notRun = all.flatMap((r) => r.checks.filter((c) => c.outcome === "not-run").map((c) => `[${r.target}] ${c.scenario}: ${c.detail}`));
    // A deployment may lack fixtures (reported, not hidden); the in-process server and the mock never do.
    expect(notRun.filter((line) => !line.startsWith("[deployment]"))).toEqual([]);
    for (const r of all) {
      const kind = targets.get(r.target)!.kind;
      for (const c of r.checks.filter((check) => check.outcome !== "not-run")) {
        expect(c.outcome === "not-applicable", `${c.scenario} › ${c.check} on ${r.target}`).toBe(!c.where.includes(kind));
      }
    }
    const names = (r: ScenarioReport) => [...new Set(r.checks.map((c) => `${c.scenario} › ${c.check}`))].sort();
    const complete = all.filter((r) => !r.checks.some((c) => c.outcome === "not-run"));
    for (const r of complete.slice(1)) expect(names(r), `checks registered on ${r.target}`).toEqual(names(complete[0]!));
  });
});

describe("Arazzo workflows (redocly respect)", () => {
  for (const label of LABELS) {
    for (const api of ["altostrat", "alloy"] as const) {
      it(`${api} rerun workflows [${label}]`, async (ctx) => {
        const target = targets.get(label)!;
        const url = direct.get(label)![api];
        const inputs = {
          token: target.tenant.token,
          apiKey: target.tenant.apiKey,
          workflowId: target.fixtures.alloyWorkflowId ?? "",
          slowWorkflowId: target.fixtures.alloySlowWorkflowId ?? "",
          approvalWorkflowId: target.fixtures.alloyApprovalWorkflowId ?? "",
        };
        const missing = !url ? `no ${api} URL` : api === "alloy" && !inputs.workflowId ? "no Alloy workflow (CONTRACT_ALLOY_WORKFLOW_ID)" : undefined;
        if (missing) {
          expect(label, `only a deployment may lack what the ${api} workflows need (${missing})`).toBe("deployment");
          ctx.skip(missing);
        }
        // The mock keeps no state, so the stateful loop is left out there (and only there).
        const skip = target.kind === "mock" ? [...STATEFUL_WORKFLOWS[api]] : [];
        if (api === "alloy" && !inputs.slowWorkflowId) {
          expect(label, "only a deployment may lack a slow Alloy workflow").toBe("deployment");
          await ctx.annotate("rerun-unfinished-execution: no slow Alloy workflow (CONTRACT_ALLOY_SLOW_WORKFLOW_ID or --alloy-slow-workflow)", "not run");
          skip.push("rerun-unfinished-execution");
        }
        if (api === "alloy" && !inputs.approvalWorkflowId) {
          expect(label, "only a deployment may lack an approval Alloy workflow").toBe("deployment");
          const waiting = ["wait-deliver-complete", "cancel-then-rerun"].filter((w) => !skip.includes(w));
          if (waiting.length > 0) {
            await ctx.annotate(`${waiting.join(", ")}: no approval Alloy workflow (CONTRACT_ALLOY_APPROVAL_WORKFLOW_ID or --alloy-approval-workflow)`, "not run");
            skip.push(...waiting);
          }
        }
        const coverage = { recorder: createCoverageRecorder("arazzo", target), api };
        const result = await runRespect({ file: ARAZZO_FILES[api], servers: { [api]: url! }, inputs, skip, coverage });
        console.log(`[${label}] ${api}: ${result.workflows.map((w) => `${w.workflowId}=${w.status}`).join(", ")} (${result.requests} requests)`);
        expect(result.code, result.output.slice(-4000)).toBe(0);
        expect(result.workflows.length).toBeGreaterThan(0);
        expect(result.workflows.filter((w) => w.status !== "success")).toEqual([]);
      }, 60_000);
    }
  }
});
