// The JSON summary of a contract run, for CI systems: targets (never credentials), test counts,
// scenario checks by outcome, every test or check not run with its reason, and every failure.
import { readFileSync } from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT } from "./contract-options.mjs";

/** Version of this summary's shape; bumped when a field changes meaning. */
export const SUMMARY_FORMAT = 1;

const VERSION = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")).version;

/**
 * Summarises a finished vitest run of the contract file.
 * @param {{ name: string, options: { labels: string[], settings: object }, started: number,
 *   run: { modules: any[], unhandled: unknown[], found: boolean } }} input
 */
export function summarizeRun({ name, options, run, started }) {
  const tests = [];
  const failures = [];
  const notRun = [];
  const checks = { passed: 0, failed: 0, "not-applicable": 0, "not-run": 0 };
  for (const module of run.modules) {
    for (const error of module.errors()) failures.push({ test: module.moduleId, message: messageOf(error) });
    for (const suite of module.children.allSuites()) for (const error of suite.errors()) failures.push({ test: suite.fullName, message: messageOf(error) });
    for (const test of module.children.allTests()) {
      const result = test.result();
      tests.push(result.state);
      if (result.state === "failed") failures.push({ test: test.fullName, message: (result.errors ?? []).map(messageOf).join("\n") });
      if (result.state === "skipped") notRun.push({ test: test.fullName, reason: result.note ?? (options.scenariosOnly ? "left out by --scenarios-only" : "skipped") });
      // A skipped test's note already says why; a test that ran can still leave parts out.
      else for (const a of test.annotations().filter((annotation) => annotation.type === "not run")) notRun.push({ test: test.fullName, reason: a.message });
      for (const c of test.meta().checks ?? []) checks[c.outcome] = (checks[c.outcome] ?? 0) + 1;
    }
  }
  for (const error of run.unhandled) failures.push({ test: "(outside any test)", message: messageOf(error) });
  if (!run.found) failures.push({ test: "(no test file)", message: `the package has no test/contract/contract.test.ts under ${PACKAGE_ROOT}` });
  const count = (state) => tests.filter((s) => s === state).length;
  const failed = failures.length > 0 || run.modules.some((m) => !m.ok());
  return {
    format: SUMMARY_FORMAT,
    tool: `${name} (reprise ${VERSION})`,
    result: failed ? "failed" : "passed",
    exitCode: failed ? 1 : 0,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    targets: describeTargets(options),
    tests: { total: tests.length, passed: count("passed"), failed: count("failed"), skipped: count("skipped") },
    checks: { passed: checks.passed, failed: checks.failed, notApplicable: checks["not-applicable"], notRun: checks["not-run"] },
    notRun,
    failures,
  };
}

/** The summary of a run refused because a deployment URL answers nothing. */
export function summarizeUnreachable({ name, options, down, started }) {
  return {
    format: SUMMARY_FORMAT,
    tool: `${name} (reprise ${VERSION})`,
    result: "unreachable",
    exitCode: 2,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    targets: describeTargets(options),
    unreachable: down,
    tests: { total: 0, passed: 0, failed: 0, skipped: 0 },
  };
}

function describeTargets({ labels, settings }) {
  return labels.map((label) =>
    label === "deployment" ? { label, altostrat: settings.altostrat.value, alloy: settings.alloy?.value ?? null } : { label },
  );
}

function messageOf(error) {
  const message = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
  return message.split("\n").slice(0, 20).join("\n");
}
