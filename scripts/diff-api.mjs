#!/usr/bin/env node
// npm run diff:api [-- --verbose]: the breaking-change gate. Every living spec must stay compatible with its
// vendor baseline, except for breaking changes approved in openapi/<api>/approved-changes.yaml.
// Fails on a breaking change that is not approved, on an approval that no longer matches any change
// (stale), and on an approvals file it cannot read. Prints one summary line per API, then only the
// changes that matter; --verbose lists every change. The last line is the verdict.
// Usage: node scripts/diff-api.mjs [--verbose] [--base FILE --revision FILE [--approvals FILE]]   (explicit pair, used by tests)
import path from "node:path";
import { parseArgs } from "node:util";
import { APPROVALS_FILE, approvalSnippet, changeLocation, diffSpecs, judge, readApprovals } from "./lib/api-diff.mjs";
import { listApis } from "./lib/pipeline.mjs";

const root = process.cwd();
let values;
try {
  ({ values } = parseArgs({
    options: {
      base: { type: "string" },
      revision: { type: "string" },
      approvals: { type: "string" },
      verbose: { type: "boolean", short: "v", default: false },
    },
  }));
} catch (error) {
  console.log(`diff:api: ${error.message}`);
  process.exit(2);
}
if (Boolean(values.base) !== Boolean(values.revision)) {
  console.log("diff:api: --base and --revision go together");
  process.exit(2);
}

const rel = (file) => path.relative(root, path.resolve(root, file));
const apis = values.base
  ? [{ name: path.basename(values.revision), baseline: values.base, root: values.revision, approvals: values.approvals }]
  : (await listApis(root)).map((api) => ({ ...api, approvals: path.join(path.dirname(api.root), APPROVALS_FILE) }));

// One Redocly run per API, side by side (each is mostly CLI start-up); reported in redocly.yaml's order.
const results = await Promise.all(apis.map((api) => check(api)));
const failures = [];
const notes = [];
for (const result of results) {
  for (const line of result.lines) console.log(line);
  if (result.failures.length) failures.push(`${result.api.name}: ${result.failures.join(", ")}`);
  else if (result.approvedCount) notes.push(`${result.api.name}: ${plural(result.approvedCount, "approved breaking change")}`);
}
if (failures.length) {
  console.log(`diff:api: FAILED (${failures.join("; ")})`);
  process.exitCode = 1;
} else {
  console.log(`diff:api: passed${notes.length ? ` (${notes.join("; ")})` : ""}`);
}

async function check(api) {
  const lines = [];
  const failures = [];
  const say = (text) => lines.push(`diff:api: ${api.name}: ${text}`);
  const approvalsPath = api.approvals ? rel(api.approvals) : undefined;

  let approvals = { entries: [], problems: [] };
  if (api.approvals) {
    try {
      approvals = await readApprovals(api.approvals);
    } catch (error) {
      approvals = { entries: [], problems: [`cannot be read: ${error.message}`] };
    }
  }
  let report;
  try {
    report = await diffSpecs(root, api.baseline, api.root);
  } catch (error) {
    say(`cannot compare ${rel(api.baseline)} -> ${rel(api.root)}`);
    for (const line of error.message.split("\n").slice(1)) if (line.trim()) lines.push(`  ${line}`);
    failures.push("specs could not be compared");
    for (const problem of approvals.problems) say(`approvals file ${approvalsPath} ${problem}`);
    return { api, lines, failures, approvedCount: 0 };
  }

  // A file with problems approves nothing: every breaking change counts as unapproved until it is fixed.
  const { approved, unapproved, stale, nonBreaking } = judge(report, approvals.problems.length ? [] : approvals.entries);
  const nonBreakingCount = nonBreaking.minor + nonBreaking.patch;
  say(
    `${unapproved.length} breaking, ${approved.length} approved, ${nonBreakingCount} non-breaking ` +
      `(${nonBreaking.minor} minor, ${nonBreaking.patch} patch) in ${rel(api.baseline)} -> ${rel(api.root)}`,
  );
  for (const problem of approvals.problems) say(`approvals file ${approvalsPath} ${problem}`);
  if (approvals.problems.length) failures.push(plural(approvals.problems.length, "problem") + ` in ${approvalsPath}`);
  for (const finding of unapproved) {
    say(`breaking, not approved: ${describeFinding(finding)}`);
    if (finding.near) {
      lines.push(
        `  (${approvalsPath} entry ${finding.near.index} approves ${finding.near.rule} here, but for the change "${finding.near.change}")`,
      );
    }
  }
  if (unapproved.length) {
    const target = approvalsPath ?? "the API's approved-changes.yaml";
    const shown = unapproved.slice(0, 3);
    lines.push(`  If ${unapproved.length === 1 ? "it is" : "they are"} deliberate, approve ${unapproved.length === 1 ? "it" : "each"} in ${target}:`);
    for (const finding of shown) for (const line of approvalSnippet(finding).split("\n")) lines.push(`    ${line}`);
    if (unapproved.length > shown.length) lines.push(`    # ...and ${unapproved.length - shown.length} more, one entry per change above`);
    failures.push(plural(unapproved.length, "unapproved breaking change"));
  }
  for (const finding of approved) {
    say(`breaking, approved ${finding.approval.date}: ${describeFinding(finding)} Reason: ${finding.approval.reason}`);
  }
  for (const entry of stale) {
    say(
      `stale approval: ${entry.rule} at ${entry.at} (${approvalsPath} entry ${entry.index}) matches no breaking change; remove the entry`,
    );
  }
  if (stale.length) failures.push(plural(stale.length, "stale approval"));
  if (values.verbose) {
    for (const change of report.changes) lines.push(`  ${describeChange(change)}`);
  }
  return { api, lines, failures, approvedCount: approved.length };
}

function describeFinding({ change, verdict, location }) {
  const pointer = verdict.location?.pointer;
  const at = pointer && pointer !== change.path ? `${pointer} (${location.display})` : location.display;
  return `${verdict.ruleId} at ${at}: ${verdict.message.trim()}`;
}

function describeChange(change) {
  const where = changeLocation(change).display + (change.property ? ` · ${change.property}` : "");
  const rules = (change.verdicts ?? []).map((verdict) => ` [${verdict.ruleId}: ${verdict.message.trim()}]`).join("");
  return `${change.impact.padEnd(5)}  ${change.kind.padEnd(8)}  ${where}${rules}`;
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
