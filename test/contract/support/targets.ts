import path from "node:path";
import type { TestServer } from "../../support/servers.ts";
import { findFreePort } from "../../support/free-port.ts";
import { REPO_ROOT } from "../../support/run-script.ts";
import { APPROVAL_DEFINITION, APPROVAL_WORKFLOW_NAME, QUICK_DEFINITION, SLOW_DEFINITION } from "./scenarios/definitions.ts";
import type { ApiName } from "./spec-index.ts";
import type { ContractTarget } from "./target.ts";

type PrismHandle = { url: string; stop: () => Promise<void>; output: () => string };
type PrismModule = {
  startPrism: (o: { spec: string; port: number; dynamic?: boolean }) => Promise<PrismHandle>;
  startPrismProxy: (o: { spec: string; upstream: string; port: number; errors?: boolean }) => Promise<PrismHandle>;
};

async function loadPrism(): Promise<PrismModule> {
  return (await import(path.join(REPO_ROOT, "scripts/lib/prism.mjs"))) as PrismModule;
}

function specOf(api: ApiName): string {
  return path.join(REPO_ROOT, "generated", api, "openapi.yaml");
}

/**
 * Starts Prism's validating proxy in front of an upstream. Without `--errors` Prism passes the
 * server's own answer through and lists what breaks the contract in `sl-violations`.
 */
export async function startConformanceProxy(api: ApiName, upstream: string): Promise<PrismHandle> {
  const prism = await loadPrism();
  return prism.startPrismProxy({ spec: specOf(api), upstream, port: await findFreePort(), errors: false });
}

/** The static Prism mock of both APIs; IDs come from the specs' examples. */
export async function startMockTarget(): Promise<ContractTarget> {
  const prism = await loadPrism();
  const [altostrat, alloy] = await Promise.all(
    (["altostrat", "alloy"] as const).map(async (api) => prism.startPrism({ spec: specOf(api), port: await findFreePort() })),
  );
  return {
    label: "mock",
    kind: "mock",
    altostratUrl: altostrat!.url,
    alloyUrl: alloy!.url,
    tenant: { token: "mock-token", apiKey: "mock-api-key" },
    other: { token: "mock-other-token", apiKey: "mock-other-api-key" },
    fixtures: {
      alloyWorkflowId: "8c4fa2815d2802827283e0ad",
      alloySlowWorkflowId: "8c4fa2815d2802827283e0ad",
      alloyApprovalWorkflowId: "8c4fa2815d2802827283e0ad",
    },
    proxied: false,
    stop: async () => void (await Promise.all([altostrat!.stop(), alloy!.stop()])),
  };
}

/**
 * The in-process server behind Prism's validating proxy: two accounts, and the Alloy workflows the
 * Alloy API cannot create. The server is started (and stopped) by the caller.
 */
export async function startServerTarget(server: TestServer, label = "server"): Promise<ContractTarget> {
  const [main, other] = [await server.createTenant("contract-main"), await server.createTenant("contract-other")];
  const create = (name: string, definition: object) =>
    server.engine.createWorkflow({ accountId: main.accountId, idStyle: "alloy", name, definition: definition as never });
  const [quick, slow, approval] = [
    await create("contract quick", QUICK_DEFINITION),
    await create("contract slow", SLOW_DEFINITION),
    await create(APPROVAL_WORKFLOW_NAME, APPROVAL_DEFINITION),
  ];
  const [altostrat, alloy] = await Promise.all([startConformanceProxy("altostrat", server.altostratUrl), startConformanceProxy("alloy", server.alloyUrl)]);
  return {
    label,
    kind: "server",
    altostratUrl: altostrat.url,
    alloyUrl: alloy.url,
    tenant: { token: main.token, apiKey: main.apiKey },
    other: { token: other.token, apiKey: other.apiKey },
    fixtures: { alloyWorkflowId: quick.id, alloySlowWorkflowId: slow.id, alloyApprovalWorkflowId: approval.id },
    proxied: true,
    stop: async () => void (await Promise.all([altostrat.stop(), alloy.stop()])),
  };
}

/** Environment variables that describe a running deployment. */
export const DEPLOYMENT_ENV = [
  "CONTRACT_ALTOSTRAT_URL",
  "CONTRACT_ALLOY_URL",
  "CONTRACT_TOKEN",
  "CONTRACT_API_KEY",
  "CONTRACT_OTHER_TOKEN",
  "CONTRACT_OTHER_API_KEY",
  "CONTRACT_ALLOY_WORKFLOW_ID",
  "CONTRACT_ALLOY_SLOW_WORKFLOW_ID",
  "CONTRACT_ALLOY_APPROVAL_WORKFLOW_ID",
] as const;

type ReachableModule = { whyUnreachable: (url: string, options?: { timeoutMs?: number }) => Promise<string | undefined> };

/**
 * A running deployment, from CONTRACT_* variables, also behind Prism's validating proxy. Refuses, with
 * one error naming each URL and why, a deployment whose URLs answer nothing at all (every scenario
 * would otherwise fail on its own).
 */
export async function startDeploymentTarget(env: Record<string, string | undefined>): Promise<ContractTarget> {
  const altostratUrl = env.CONTRACT_ALTOSTRAT_URL;
  if (!altostratUrl || !env.CONTRACT_TOKEN) throw new Error("A deployment target needs CONTRACT_ALTOSTRAT_URL and CONTRACT_TOKEN.");
  if (env.CONTRACT_ALLOY_URL && !env.CONTRACT_API_KEY) throw new Error("CONTRACT_ALLOY_URL needs CONTRACT_API_KEY.");
  const { whyUnreachable } = (await import(path.join(REPO_ROOT, "scripts/lib/reachable.mjs"))) as ReachableModule;
  const urls = [["Altostrat", altostratUrl], ...(env.CONTRACT_ALLOY_URL ? [["Alloy", env.CONTRACT_ALLOY_URL]] : [])] as const;
  const down = (await Promise.all(urls.map(async ([api, url]) => ({ api, url, why: await whyUnreachable(url) })))).filter((d) => d.why);
  if (down.length > 0) throw new Error(`Deployment unreachable: ${down.map((d) => `${d.api} ${d.url} (${d.why})`).join("; ")}.`);
  const altostrat = await startConformanceProxy("altostrat", altostratUrl);
  const alloy = env.CONTRACT_ALLOY_URL ? await startConformanceProxy("alloy", env.CONTRACT_ALLOY_URL) : undefined;
  const other = env.CONTRACT_OTHER_TOKEN && env.CONTRACT_OTHER_API_KEY ? { token: env.CONTRACT_OTHER_TOKEN, apiKey: env.CONTRACT_OTHER_API_KEY } : undefined;
  return {
    label: "deployment",
    kind: "server",
    altostratUrl: altostrat.url,
    ...(alloy ? { alloyUrl: alloy.url } : {}),
    tenant: { token: env.CONTRACT_TOKEN, apiKey: env.CONTRACT_API_KEY ?? "" },
    ...(other ? { other } : {}),
    fixtures: {
      ...(env.CONTRACT_ALLOY_WORKFLOW_ID ? { alloyWorkflowId: env.CONTRACT_ALLOY_WORKFLOW_ID } : {}),
      ...(env.CONTRACT_ALLOY_SLOW_WORKFLOW_ID ? { alloySlowWorkflowId: env.CONTRACT_ALLOY_SLOW_WORKFLOW_ID } : {}),
      ...(env.CONTRACT_ALLOY_APPROVAL_WORKFLOW_ID ? { alloyApprovalWorkflowId: env.CONTRACT_ALLOY_APPROVAL_WORKFLOW_ID } : {}),
    },
    proxied: true,
    stop: async () => void (await Promise.all([altostrat.stop(), alloy?.stop()])),
  };
}
