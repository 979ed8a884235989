import type { ConformanceFinding } from "./conformance.ts";

/** Where a check can be decided: on the stateless Prism mock, on a real server (in-process or deployed), or both. */
export type Where = "mock" | "server";

/** Checks of status, shape and headers: decidable on the mock and the server alike. */
export const BOTH: readonly Where[] = Object.freeze(["mock", "server"]);
/** Checks of state across calls: only a real server keeps state. */
export const SERVER: readonly Where[] = Object.freeze(["server"]);
/** Checks of documented answers a healthy server cannot be made to give on demand (e.g. 503). */
export const MOCK: readonly Where[] = Object.freeze(["mock"]);

/** How one check ended on one target. */
export type Outcome = "passed" | "failed" | "not-applicable" | "not-run";

/** One check of one scenario on one target. */
export interface CheckResult {
  scenario: string;
  check: string;
  where: readonly Where[];
  target: string;
  outcome: Outcome;
  /** Why it failed, or why it was not run. */
  detail?: string;
}

/** A response that the independent validator (Prism's proxy) found outside the contract. */
export interface Violation extends ConformanceFinding {
  target: string;
  scenario: string;
}

/** What running the scenarios on one target produced. */
export interface ScenarioReport {
  target: string;
  checks: CheckResult[];
  violations: Violation[];
}

/** Failed checks and conformance violations of a report, one line each (empty when all is well). */
export function listFailures(report: ScenarioReport): string[] {
  return [
    ...report.checks.filter((c) => c.outcome === "failed").map((c) => `[${c.target}] ${c.scenario} › ${c.check}: ${c.detail ?? "failed"}`),
    ...report.violations.map((v) => `[${v.target}] ${v.scenario} › conformance of ${v.operationId} (${v.method} ${v.path} → ${v.status}): ${v.field}: ${v.message}`),
  ];
}

/** A table of every check against every target: which ran where, and how it ended. */
export function formatMatrix(reports: ScenarioReport[]): string {
  const targets = reports.map((r) => r.target);
  const rows = new Map<string, { where: readonly Where[]; cells: Map<string, CheckResult> }>();
  for (const report of reports) {
    for (const c of report.checks) {
      const key = `${c.scenario} › ${c.check}`;
      const row = rows.get(key) ?? { where: c.where, cells: new Map() };
      row.cells.set(report.target, c);
      rows.set(key, row);
    }
  }
  const mark: Record<Outcome, string> = { passed: "ok", failed: "FAIL", "not-applicable": "n/a", "not-run": "NOT RUN" };
  const width = Math.max(20, ...[...rows.keys()].map((k) => k.length));
  const header = `${"check".padEnd(width)}  ${"declared".padEnd(12)}  ${targets.map((t) => t.padEnd(10)).join("")}`;
  const lines = [...rows].map(([key, row]) => {
    const cells = targets.map((t) => (row.cells.get(t) ? mark[row.cells.get(t)!.outcome] : "-").padEnd(10)).join("");
    return `${key.padEnd(width)}  ${row.where.join("+").padEnd(12)}  ${cells}`;
  });
  const totals = reports.map((r) => {
    const count = (o: Outcome) => r.checks.filter((c) => c.outcome === o).length;
    return `${r.target}: ${count("passed")} passed, ${count("failed")} failed, ${count("not-applicable")} not applicable, ${count("not-run")} not run, ${r.violations.length} conformance violations`;
  });
  // A check that did not run says why, under the table (the cell would be too narrow).
  const reasons = reports.flatMap((r) => r.checks.filter((c) => c.outcome === "not-run").map((c) => `NOT RUN [${r.target}] ${c.scenario} › ${c.check}: ${c.detail ?? "no reason given"}`));
  return [header, ...lines, ...(reasons.length > 0 ? ["", ...reasons] : []), "", ...totals].join("\n");
}
