import { createAlloyClient, createAltostratClient, type AlloyClient, type AltostratClient } from "../../../src/client/index.ts";
import type { CheckResult, ScenarioReport, Violation, Where } from "./checks.ts";
import { createConformanceFetch } from "./conformance.ts";
import type { CoverageRecorder } from "./coverage.ts";
import { preview } from "./expect-answer.ts";
import { loadApiSpec, type ApiName } from "./spec-index.ts";
import { preferHeader, type ContractTarget, type TargetFixtures } from "./target.ts";

/** What a scenario sees: typed clients of one target and a way to register checks. */
export interface ScenarioContext {
  /** Which kind of target runs the scenario. */
  readonly kind: Where;
  readonly fixtures: TargetFixtures;
  /** Clients of the target's main account. */
  readonly altostrat: AltostratClient;
  readonly alloy: AlloyClient;
  /** Clients of a second account (isolation checks). */
  readonly other: { altostrat: AltostratClient; alloy: AlloyClient };
  /** An Altostrat client with another (or no) token. */
  altostratWith(token: string | undefined): AltostratClient;
  /** An Alloy client with another key or API version, or without some of the headers it normally sends. */
  alloyWith(options: { apiKey?: string; apiVersion?: string; drop?: string[] }): AlloyClient;
  /** The `Prefer` header asking the mock for one documented answer; empty on a real server. */
  prefer(answer: { code?: number; example?: string }): Record<string, string>;
  /** Runs `fn` as a check if the target is among `where`, else records it as not applicable. */
  check(name: string, where: readonly Where[], fn: () => unknown): Promise<void>;
  /** Re-reads until `done` (a real server finishes runs asynchronously); the mock answers at once. */
  waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T>;
}

/** One scenario, written once for every target. */
export interface Scenario {
  name: string;
  /** The APIs it calls. */
  apis: readonly ApiName[];
  /** Why the scenario cannot run on this target (missing fixture or credential), or undefined. */
  unmet?: (target: ContractTarget) => string | undefined;
  run(t: ScenarioContext): Promise<void>;
}

/** Options of {@link runScenario}. */
export interface RunScenarioOptions {
  /** Records every request the scenario sends and its answer (contract coverage). */
  coverage?: CoverageRecorder;
}

/** Runs scenarios one after the other on a target and collects every check and conformance violation. */
export async function runScenarios(target: ContractTarget, scenarios: readonly Scenario[], options: RunScenarioOptions = {}): Promise<ScenarioReport> {
  const report: ScenarioReport = { target: target.label, checks: [], violations: [] };
  for (const scenario of scenarios) {
    const part = await runScenario(target, scenario, options);
    report.checks.push(...part.checks);
    report.violations.push(...part.violations);
  }
  return report;
}

/** Runs one scenario on a target. A scenario that cannot run is reported as `not-run` with the reason. */
export async function runScenario(target: ContractTarget, scenario: Scenario, options: RunScenarioOptions = {}): Promise<ScenarioReport> {
  const checks: CheckResult[] = [];
  const violations: Violation[] = [];
  const base = { scenario: scenario.name, target: target.label };
  const unmet = scenario.apis.includes("alloy") && !target.alloyUrl ? "the target has no Alloy URL" : scenario.unmet?.(target);
  if (unmet) {
    checks.push({ ...base, check: "(whole scenario)", where: [target.kind], outcome: "not-run", detail: unmet });
    return { target: target.label, checks, violations };
  }
  const fetchFor = (api: ApiName, drop: string[] = []) => {
    const send = async (input: Request) => {
      const request = drop.length === 0 ? input : withoutHeaders(input, drop);
      const response = await fetch(request);
      if (options.coverage) {
        const body = await response.clone().text().then(parseJson, () => undefined);
        options.coverage.record({ api, method: request.method, url: request.url, headers: request.headers, status: response.status, body, by: scenario.name });
      }
      return response;
    };
    return target.proxied ? createConformanceFetch(loadApiSpec(api), (finding) => violations.push({ ...base, ...finding }), send) : send;
  };
  const altostratWith = (token: string | undefined) =>
    createAltostratClient({ baseUrl: target.altostratUrl, ...(token ? { token } : {}), fetch: fetchFor("altostrat") });
  const alloyWith = ({ drop, ...options }: { apiKey?: string; apiVersion?: string; drop?: string[] }) =>
    createAlloyClient({ baseUrl: target.alloyUrl ?? "http://alloy.invalid", apiKey: target.tenant.apiKey, ...options, fetch: fetchFor("alloy", drop) });
  const other = target.other ?? { token: "no-second-account", apiKey: "no-second-account" };
  const context: ScenarioContext = {
    kind: target.kind,
    fixtures: target.fixtures,
    altostrat: altostratWith(target.tenant.token),
    alloy: alloyWith({}),
    other: { altostrat: altostratWith(other.token), alloy: alloyWith({ apiKey: other.apiKey }) },
    altostratWith,
    alloyWith,
    prefer: (answer) => preferHeader(target.kind, answer),
    async check(name, where, fn) {
      if (!where.includes(target.kind)) {
        checks.push({ ...base, check: name, where, outcome: "not-applicable", detail: `decided only on ${where.join(" and ")}` });
        return;
      }
      try {
        await fn();
        checks.push({ ...base, check: name, where, outcome: "passed" });
      } catch (error) {
        checks.push({ ...base, check: name, where, outcome: "failed", detail: describe(error) });
      }
    },
    async waitFor(read, done) {
      let value = await read();
      for (let i = 0; target.kind === "server" && !done(value) && i < 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        value = await read();
      }
      return value;
    },
  };
  try {
    await scenario.run(context);
  } catch (error) {
    checks.push({ ...base, check: "(scenario ran to the end)", where: [target.kind], outcome: "failed", detail: describe(error) });
  }
  return { target: target.label, checks, violations };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withoutHeaders(input: Request, names: string[]): Request {
  const headers = new Headers(input.headers);
  for (const name of names) headers.delete(name);
  return new Request(input, { headers });
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n").slice(0, 6).join(" ");
  return preview(error);
}
