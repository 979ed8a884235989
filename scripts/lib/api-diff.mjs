// Comparing two versions of an API description with `redocly diff`, and judging its breaking
// changes against the API's approvals file. Shared by the breaking-change gate (diff-api.mjs)
// and the API changelog (changelog.mjs).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { runRedocly } from "./pipeline.mjs";

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Name of the approvals file kept next to each living spec. */
export const APPROVALS_FILE = "approved-changes.yaml";

/**
 * Runs `redocly diff <base> <revision> --format json` (with the diff rules and impacts of the
 * project's redocly.yaml, found from `cwd`) and resolves with its report:
 * `{ summary: {major, minor, patch}, changes: [{ path, typeName, kind, impact, property?, verdicts, base?, revision? }] }`.
 * Each verdict is `{ ruleId, impact, message, location: { file, pointer, line, col } }`; a change's impact
 * is its highest verdict's, or minor/patch when no rule spoke. Throws with Redocly's output when it
 * cannot compare the two (a missing file, a YAML error).
 */
export async function diffSpecs(cwd, base, revision) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "reprise-diff-"));
  try {
    const out = path.join(tmp, "report.json");
    const rel = (file) => path.relative(cwd, path.resolve(cwd, file)) || ".";
    const result = await runRedocly(
      ["diff", rel(base), rel(revision), "--format", "json", "-o", out, "--fail-on", "none", "--lint-config=off"],
      { cwd, echo: false },
    );
    let text;
    try {
      text = await readFile(out, "utf8");
    } catch {
      text = undefined;
    }
    if (result.code !== 0 || text === undefined) {
      throw new Error(`redocly diff could not compare ${rel(base)} with ${rel(revision)}:\n${result.output.trim()}`);
    }
    const report = JSON.parse(text);
    if (!Array.isArray(report.changes)) throw new Error(`redocly diff wrote a report without changes (reportVersion ${report.reportVersion})`);
    return report;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** `#/a/b~1c` → `["a", "b/c"]`. */
export function pointerTokens(pointer) {
  const body = String(pointer ?? "").replace(/^#/, "");
  if (body === "" || body === "/") return [];
  return body
    .replace(/^\//, "")
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * Where a change is, the way the diff reports it: `{ operation, rest, display }`. `operation` is
 * `POST /workflows/runs/{runId}/rerun` for a change inside an operation, `/workflows` for a path
 * item, undefined elsewhere; `rest` the tokens below it; `display` both as one string
 * (`POST /workflows/runs/{runId}/rerun responses/202/content/application/json/schema`).
 */
export function changeLocation(change) {
  const tokens = pointerTokens(change.path);
  if (tokens[0] === "paths" && tokens.length >= 2) {
    const route = tokens[1];
    const method = tokens[2];
    if (method && HTTP_METHODS.includes(method)) {
      const operation = `${method.toUpperCase()} ${route}`;
      const rest = tokens.slice(3);
      return { operation, method, route, rest, display: rest.length ? `${operation} ${rest.join("/")}` : operation };
    }
    const rest = tokens.slice(2);
    return { operation: route, route, rest, display: rest.length ? `${route} ${rest.join("/")}` : route };
  }
  return { operation: undefined, rest: tokens, display: tokens.join("/") || "(document)" };
}

/** Major verdicts of a report, one per rule and change: the breaking changes. */
export function breakingFindings(report) {
  const findings = [];
  for (const change of report.changes) {
    for (const verdict of change.verdicts ?? []) {
      if (verdict.impact === "major") findings.push({ change, verdict, location: changeLocation(change) });
    }
  }
  return findings;
}

const APPROVAL_KEYS = ["rule", "at", "change", "reason", "date"];

/**
 * Reads an approvals file: a YAML list of `{ rule, at, change?, reason, date }`. A missing file is an
 * empty list. Resolves with the entries and the problems found in them (each a sentence naming the entry).
 */
export async function readApprovals(file) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") return { entries: [], problems: [] };
    throw error;
  }
  let parsed;
  try {
    parsed = YAML.parse(text);
  } catch (error) {
    return { entries: [], problems: [`is not valid YAML: ${error.message.split("\n")[0]}`] };
  }
  if (parsed === null || parsed === undefined) return { entries: [], problems: [] };
  if (!Array.isArray(parsed)) return { entries: [], problems: ["must be a YAML list of approvals (use [] for none)"] };
  const entries = [];
  const problems = [];
  parsed.forEach((raw, index) => {
    const label = `entry ${index + 1}`;
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
      problems.push(`${label} is not a mapping of rule, at, change, reason and date`);
      return;
    }
    const unknown = Object.keys(raw).filter((key) => !APPROVAL_KEYS.includes(key));
    if (unknown.length) problems.push(`${label} has unknown key(s) ${unknown.join(", ")} (allowed: ${APPROVAL_KEYS.join(", ")})`);
    const date = raw.date instanceof Date ? raw.date.toISOString().slice(0, 10) : raw.date;
    for (const key of ["rule", "at", "reason"]) {
      if (typeof raw[key] !== "string" || raw[key].trim() === "") problems.push(`${label} needs a non-empty \`${key}\``);
    }
    if (raw.change !== undefined && (typeof raw.change !== "string" || raw.change.trim() === "")) {
      problems.push(`${label}: \`change\`, when given, is the diff's message as a string`);
    }
    if (typeof date !== "string" || !isCalendarDate(date)) problems.push(`${label} needs \`date\` as YYYY-MM-DD`);
    entries.push({
      index: index + 1,
      rule: String(raw.rule ?? "").trim(),
      at: String(raw.at ?? "").trim(),
      change: typeof raw.change === "string" ? raw.change.trim() : undefined,
      reason: String(raw.reason ?? "").trim(),
      date: String(date ?? ""),
    });
  });
  return { entries, problems };
}

function isCalendarDate(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * Whether an approval covers a breaking finding: same rule, `at` naming its place (the rule's source
 * pointer such as `#/components/schemas/WorkflowRun/properties/status/enum`, the change's pointer,
 * or the change as the diff reports it, `POST /path responses/202/…`), and, when the approval
 * gives `change`, the same message.
 */
export function approvalMatches(approval, finding) {
  if (approval.rule !== finding.verdict.ruleId) return false;
  const places = [finding.verdict.location?.pointer, finding.change.path, finding.location.display].filter(Boolean);
  if (!places.includes(approval.at)) return false;
  return approval.change === undefined || approval.change === finding.verdict.message.trim();
}

/**
 * Splits a report's breaking findings into approved and unapproved, and finds the stale approvals
 * (those that cover no breaking finding). Non-breaking changes are counted by impact.
 */
export function judge(report, approvals) {
  const approved = [];
  const unapproved = [];
  const used = new Set();
  for (const finding of breakingFindings(report)) {
    const approval = approvals.find((entry) => approvalMatches(entry, finding));
    if (approval) {
      used.add(approval);
      approved.push({ ...finding, approval });
    } else {
      // An approval for the same rule and place whose `change` no longer matches says why it did not apply.
      const near = approvals.find((entry) => approvalMatches({ ...entry, change: undefined }, finding));
      unapproved.push({ ...finding, near });
    }
  }
  const stale = approvals.filter((entry) => !used.has(entry));
  const nonBreaking = { minor: 0, patch: 0 };
  for (const change of report.changes) if (change.impact !== "major") nonBreaking[change.impact] = (nonBreaking[change.impact] ?? 0) + 1;
  return { approved, unapproved, stale, nonBreaking };
}

/** The approvals entry that would approve a finding, as YAML lines. */
export function approvalSnippet(finding, today = new Date().toISOString().slice(0, 10)) {
  const entry = [
    {
      rule: finding.verdict.ruleId,
      at: finding.verdict.location?.pointer ?? finding.change.path,
      change: finding.verdict.message.trim(),
      reason: "<why clients can take this change>",
      date: today,
    },
  ];
  return YAML.stringify(entry, { lineWidth: 0 }).trimEnd();
}
