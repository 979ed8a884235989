// Contract coverage: which documented operation × status the contract layers (scenarios, Arazzo
// workflows, fuzzing) made a server and the mock answer, computed from the JSON-lines records the
// test harness writes (test/contract/support/coverage.ts) and the bundled specs, and judged against
// the committed configuration (openapi/contract-coverage.yaml).
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import YAML from "yaml";

/** The record format this reader understands (the `format` of each file's header line). */
export const COVERAGE_FORMAT = 1;
/** Default places, relative to the project root. */
export const DEFAULT_RECORDS_DIR = "coverage/contract";
export const DEFAULT_CONFIG_FILE = "openapi/contract-coverage.yaml";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/**
 * The operations of one bundled spec: method, path, documented statuses with their named examples,
 * and the query and header parameters.
 * @param {string} api
 * @param {object} doc a bundled OpenAPI document (local `$ref`s only)
 */
export function readSpecOperations(api, doc) {
  const resolve = (node) => {
    let at = node;
    for (let hops = 0; hops < 20 && at && typeof at === "object" && typeof at.$ref === "string"; hops++) at = pointer(doc, at.$ref);
    return at;
  };
  const operations = [];
  for (const [specPath, item] of Object.entries(doc.paths ?? {})) {
    const shared = item.parameters ?? [];
    for (const method of METHODS) {
      const op = item[method];
      if (!op || typeof op !== "object") continue;
      const statuses = Object.entries(op.responses ?? {}).map(([status, raw]) => {
        const response = resolve(raw) ?? {};
        const examples = Object.keys(response.content?.["application/json"]?.examples ?? {});
        return { status: String(status), examples };
      });
      const parameters = [...shared, ...(op.parameters ?? [])]
        .map(resolve)
        .filter((p) => p && (p.in === "query" || p.in === "header"))
        .map((p) => ({ in: p.in, name: String(p.name), required: p.required === true }));
      operations.push({ api, operationId: String(op.operationId ?? `${method.toUpperCase()} ${specPath}`), method: method.toUpperCase(), path: specPath, statuses, parameters });
    }
  }
  return operations;
}

function pointer(doc, ref) {
  if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported: ${ref}`);
  return ref
    .slice(2)
    .split("/")
    .reduce((at, key) => (at && typeof at === "object" ? at[key.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined), doc);
}

/**
 * Reads every `*.jsonl` record file of a folder and keeps those of the newest run (the run whose
 * files were started last); files of other runs are returned as `stale` and not counted.
 * @returns {Promise<{ run?: { id: string, at: string, files: object[] }, exchanges: object[], stale: object[], problems: string[] }>}
 */
export async function readRecords(dir) {
  const names = (await readdir(dir).catch((error) => (error.code === "ENOENT" ? [] : Promise.reject(error)))).filter((n) => n.endsWith(".jsonl")).sort();
  const files = [];
  const problems = [];
  for (const name of names) {
    const lines = (await readFile(path.join(dir, name), "utf8")).split("\n").filter((line) => line.trim() !== "");
    let header;
    try {
      header = JSON.parse(lines[0] ?? "");
    } catch {
      problems.push(`${name}: no header line; ignored`);
      continue;
    }
    if (header?.type !== "run" || header.format !== COVERAGE_FORMAT || typeof header.run !== "string") {
      problems.push(`${name}: not a record file of format ${COVERAGE_FORMAT}; ignored`);
      continue;
    }
    const exchanges = [];
    for (const [i, line] of lines.slice(1).entries()) {
      try {
        const record = JSON.parse(line);
        if (record.type === "exchange") exchanges.push({ ...record, layer: header.layer, target: header.target, kind: header.kind });
      } catch {
        problems.push(`${name}: line ${i + 2} is not JSON; ignored`);
      }
    }
    files.push({ file: name, run: header.run, at: header.at, layer: header.layer, target: header.target, kind: header.kind, exchanges });
  }
  const newestAt = new Map();
  for (const f of files) if (!newestAt.has(f.run) || f.at > newestAt.get(f.run)) newestAt.set(f.run, f.at);
  const newest = [...newestAt].sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0))[0];
  if (!newest) return { exchanges: [], stale: [], problems };
  const current = files.filter((f) => f.run === newest[0]);
  const describe = ({ exchanges, ...f }) => ({ ...f, records: exchanges.length });
  return {
    run: { id: newest[0], at: newest[1], files: current.map(describe) },
    exchanges: current.flatMap((f) => f.exchanges),
    stale: files.filter((f) => f.run !== newest[0]).map(describe),
    problems,
  };
}

/**
 * Reads the coverage configuration: `minimum` percentages, the `layers` a run must hold, and the
 * `exceptions` (documented answers no suite can make a server give), each checked against the specs.
 * @returns {{ file: string, minimum: { operations: number, statuses: number }, layers: string[], exceptions: object[], problems: string[] }}
 */
export function parseConfig(text, specs, file = DEFAULT_CONFIG_FILE) {
  const problems = [];
  let raw;
  try {
    raw = YAML.parse(text) ?? {};
  } catch (error) {
    return { file, minimum: { operations: 100, statuses: 100 }, layers: [], exceptions: [], problems: [`${file}: not YAML: ${error.message.split("\n")[0]}`] };
  }
  for (const key of Object.keys(raw)) if (!["minimum", "layers", "exceptions"].includes(key)) problems.push(`${file}: unknown key '${key}'`);
  const minimum = { operations: 100, statuses: 100 };
  for (const key of ["operations", "statuses"]) {
    const value = raw.minimum?.[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || value < 0 || value > 100) problems.push(`${file}: minimum.${key} must be a percentage (0 to 100)`);
    else minimum[key] = value;
  }
  const layers = Array.isArray(raw.layers) ? raw.layers.map(String) : [];
  if (raw.layers !== undefined && !Array.isArray(raw.layers)) problems.push(`${file}: layers must be a list of <layer>-<target>`);
  const exceptions = [];
  for (const [i, entry] of (Array.isArray(raw.exceptions) ? raw.exceptions : []).entries()) {
    const where = `${file} exception ${i + 1}`;
    const bad = (why) => problems.push(`${where}: ${why}`);
    if (!entry || typeof entry !== "object") {
      bad("not a mapping");
      continue;
    }
    for (const key of Object.keys(entry)) if (!["api", "operation", "status", "reason"].includes(key)) bad(`unknown key '${key}'`);
    const spec = specs.find((s) => s.api === entry.api);
    if (!spec) {
      bad(`api must be one of ${specs.map((s) => s.api).join(", ")}`);
      continue;
    }
    if (typeof entry.reason !== "string" || entry.reason.trim() === "") bad("needs a reason");
    const operation = String(entry.operation ?? "");
    const ops = operation === "*" ? spec.operations : spec.operations.filter((o) => o.operationId === operation);
    if (ops.length === 0) {
      bad(`operation must be an operationId of ${entry.api} or "*", got '${operation}'`);
      continue;
    }
    const status = entry.status === undefined ? undefined : String(entry.status);
    const items = ops.flatMap((o) => o.statuses.filter((s) => status === undefined || s.status === status).map((s) => ({ operationId: o.operationId, status: s.status })));
    if (items.length === 0) {
      bad(`${entry.api} ${operation} documents no status ${status}`);
      continue;
    }
    exceptions.push({ index: i + 1, api: entry.api, operation, ...(status !== undefined ? { status } : {}), reason: String(entry.reason ?? "").trim(), items });
  }
  if (raw.exceptions !== undefined && !Array.isArray(raw.exceptions)) problems.push(`${file}: exceptions must be a list`);
  return { file, minimum, layers, exceptions, problems };
}

/** The documented status a record's status counts for: the exact code, else its class (`4XX`), else `default`. */
function documentedStatus(op, status) {
  const code = String(status);
  const keys = op.statuses.map((s) => s.status);
  if (keys.includes(code)) return code;
  const range = `${code[0]}XX`;
  if (keys.includes(range)) return range;
  return keys.includes("default") ? "default" : undefined;
}

/**
 * Coverage of each API from the newest run's records, judged against the configuration.
 * @param {{ specs: { api: string, file: string, operations: object[] }[], records: Awaited<ReturnType<typeof readRecords>>, config: ReturnType<typeof parseConfig> }} input
 */
export function computeCoverage({ specs, records, config }) {
  const failures = [...config.problems];
  const warnings = [...records.problems];
  const exceptionOf = (api, operationId, status) =>
    config.exceptions.find((e) => e.api === api && e.items.some((it) => it.operationId === operationId && it.status === status));

  const apis = specs.map((spec) => {
    const mine = records.exchanges.filter((x) => x.api === spec.api);
    const unknown = [...new Set(mine.filter((x) => x.operation !== null && !spec.operations.some((o) => o.operationId === x.operation)).map((x) => x.operation))];
    for (const name of unknown) failures.push(`${spec.api}: the records name operation ${name}, which ${spec.file} does not document: the records are older than the spec; run the tests again`);
    const operations = spec.operations.map((op) => {
      const own = mine.filter((x) => x.operation === op.operationId);
      const seen = (kind) => own.filter((x) => x.kind === kind);
      const statusesOf = (list) => [...new Set(list.map((x) => documentedStatus(op, x.status) ?? String(x.status)))].sort();
      const server = statusesOf(seen("server"));
      const mock = statusesOf(seen("mock"));
      const byLayer = {};
      for (const x of own) (byLayer[`${x.layer}-${x.target}`] ??= new Set()).add(documentedStatus(op, x.status) ?? String(x.status));
      const documented = op.statuses.map((s) => s.status);
      const missing = [];
      const excepted = [];
      for (const status of documented) {
        if (server.includes(status)) continue;
        const exception = exceptionOf(spec.api, op.operationId, status);
        if (exception) excepted.push({ status, reason: exception.reason, exception: exception.index });
        else missing.push(status);
      }
      const examples = op.statuses.flatMap((s) =>
        s.examples.map((name) => {
          const answered = (kind) => own.some((x) => x.kind === kind && documentedStatus(op, x.status) === s.status && x.example === name);
          return { status: s.status, name, server: answered("server"), mock: answered("mock") };
        }),
      );
      const parameters = op.parameters.map((p) => {
        const key = `${p.in}:${p.name}`;
        return {
          ...p,
          sentOnServer: seen("server").some((x) => x.sent?.includes(key)),
          ...(p.required ? { omittedOnServer: seen("server").some((x) => x.omitted?.includes(key)) } : {}),
        };
      });
      return {
        operationId: op.operationId,
        method: op.method,
        path: op.path,
        documented,
        server,
        mock,
        byLayer: Object.fromEntries(Object.entries(byLayer).map(([k, v]) => [k, [...v].sort()])),
        requests: { server: seen("server").length, mock: seen("mock").length },
        missing,
        excepted,
        undocumented: { server: server.filter((s) => !documented.includes(s)), mock: mock.filter((s) => !documented.includes(s)) },
        examples,
        parameters,
      };
    });
    const unmatched = {};
    for (const x of mine.filter((r) => r.operation === null)) {
      const counts = (unmatched[x.kind] ??= {});
      counts[x.status] = (counts[x.status] ?? 0) + 1;
    }
    const countable = operations.flatMap((o) => o.documented.filter((s) => !o.excepted.some((e) => e.status === s)).map((s) => ({ o, s })));
    const exceptedOps = operations.filter((o) => o.server.length === 0 && o.documented.every((s) => o.excepted.some((e) => e.status === s)));
    const totals = {
      operations: operations.length,
      operationsOnServer: operations.filter((o) => o.server.some((s) => o.documented.includes(s))).length,
      operationsExcepted: exceptedOps.length,
      statuses: operations.reduce((n, o) => n + o.documented.length, 0),
      statusesOnServer: countable.filter(({ o, s }) => o.server.includes(s)).length,
      statusesCountable: countable.length,
      statusesExcepted: operations.reduce((n, o) => n + o.excepted.length, 0),
      statusesOnMock: operations.reduce((n, o) => n + o.documented.filter((s) => o.mock.includes(s)).length, 0),
      examples: operations.reduce((n, o) => n + o.examples.length, 0),
      examplesOnServer: operations.reduce((n, o) => n + o.examples.filter((e) => e.server).length, 0),
      examplesOnMock: operations.reduce((n, o) => n + o.examples.filter((e) => e.mock).length, 0),
      examplesAnywhere: operations.reduce((n, o) => n + o.examples.filter((e) => e.server || e.mock).length, 0),
    };
    return { api: spec.api, file: spec.file, operations, unmatched, totals };
  });

  if (!records.run) failures.push("no records: run the contract and fuzz suites first (npm test, or npx vitest run test/contract test/fuzz)");
  else {
    const present = new Set(records.run.files.map((f) => `${f.layer}-${f.target}`));
    for (const layer of config.layers) if (!present.has(layer)) failures.push(`no records from ${layer} in the newest run (${records.run.id}); a run must hold ${config.layers.join(", ")}`);
  }
  const percent = (part, whole) => (whole === 0 ? 100 : (100 * part) / whole);
  for (const a of apis) {
    const opsCountable = a.totals.operations - a.totals.operationsExcepted;
    const opsPct = percent(a.totals.operationsOnServer, opsCountable);
    const statusPct = percent(a.totals.statusesOnServer, a.totals.statusesCountable);
    const neverOps = a.operations.filter((o) => !o.server.some((s) => o.documented.includes(s)) && !o.documented.every((s) => o.excepted.some((e) => e.status === s)));
    const missing = a.operations.flatMap((o) => o.missing.map((s) => `${o.operationId} ${s}`));
    if (opsPct < config.minimum.operations) failures.push(`${a.api}: ${fmtPct(opsPct)} of operations exercised on a server, below ${config.minimum.operations}%: never exercised: ${neverOps.map((o) => o.operationId).join(", ")}`);
    else if (neverOps.length > 0) warnings.push(`${a.api}: operations never exercised on a server: ${neverOps.map((o) => o.operationId).join(", ")}`);
    if (statusPct < config.minimum.statuses) failures.push(`${a.api}: ${fmtPct(statusPct)} of documented statuses answered by a server, below ${config.minimum.statuses}%: never answered: ${missing.join(", ")}`);
    else if (missing.length > 0) warnings.push(`${a.api}: documented statuses never answered by a server: ${missing.join(", ")}`);
  }
  if (records.run) {
    for (const e of config.exceptions) {
      const a = apis.find((x) => x.api === e.api);
      const stillNeeded = e.items.some((it) => !a.operations.find((o) => o.operationId === it.operationId).server.includes(it.status));
      if (!stillNeeded) failures.push(`stale exception (${config.file} exception ${e.index}: ${e.api} ${e.operation}${e.status ? ` ${e.status}` : ""}): a server answered it in this run; remove the entry`);
    }
  }
  return { run: records.run, stale: records.stale, configFile: config.file, minimum: config.minimum, layers: config.layers, exceptions: config.exceptions, apis, failures, warnings, ok: failures.length === 0 };
}

function fmtPct(value) {
  return `${Math.floor(value * 10) / 10}%`;
}

/** The console table: one matrix per API, operations × documented statuses. */
export function formatTable(coverage) {
  const lines = [];
  if (coverage.run) {
    const files = coverage.run.files.map((f) => `${f.layer}-${f.target} ${f.records}`).join(", ");
    lines.push(`run ${coverage.run.id} (${coverage.run.at}): ${files} records`);
  }
  for (const f of coverage.stale) lines.push(`ignored ${f.file}: from an earlier run (${f.run}, ${f.at})`);
  for (const a of coverage.apis) {
    const t = a.totals;
    lines.push("");
    lines.push(
      `${a.api}: ${t.operationsOnServer}/${t.operations} operations and ${t.statusesOnServer}/${t.statusesCountable} statuses answered by a server` +
        `${t.statusesExcepted ? ` (${t.statusesExcepted} more excepted)` : ""}; ${t.statusesOnMock}/${t.statuses} by the mock; ` +
        `${t.examplesAnywhere}/${t.examples} named examples answered`,
    );
    const columns = [...new Set(a.operations.flatMap((o) => o.documented))].sort();
    const width = Math.max(28, ...a.operations.map((o) => o.operationId.length + 2));
    lines.push(`  ${"operation".padEnd(width)}${columns.map((c) => c.padEnd(5)).join("").trimEnd()}`);
    for (const o of a.operations) {
      const cells = columns.map((c) => {
        if (!o.documented.includes(c)) return "     ";
        const server = o.server.includes(c) ? "S" : o.excepted.some((e) => e.status === c) ? "e" : "!";
        return `${server}${o.mock.includes(c) ? "M" : "·"}`.padEnd(5);
      });
      lines.push(`  ${o.operationId.padEnd(width)}${cells.join("").trimEnd()}`);
    }
    const undocumented = a.operations.filter((o) => o.undocumented.server.length || o.undocumented.mock.length);
    for (const o of undocumented) lines.push(`  ${o.operationId} answered undocumented statuses: ${[...o.undocumented.server.map((s) => `${s} (server)`), ...o.undocumented.mock.map((s) => `${s} (mock)`)].join(", ")}`);
    const unmatched = Object.entries(a.unmatched).map(([kind, counts]) => `${kind}: ${Object.entries(counts).map(([s, n]) => `${s}×${n}`).join(" ")}`);
    if (unmatched.length) lines.push(`  requests that reached no operation (path tricks, unknown routes): ${unmatched.join("; ")}`);
  }
  lines.push("");
  lines.push("S answered by a server, M by the mock, · not by the mock; e not by a server, excepted; ! not by a server: MISSING");
  return lines.join("\n");
}

/** The Markdown report: the same tables as lists, plus named examples, parameters, exceptions and the verdict. */
export function formatMarkdown(coverage) {
  const configFile = coverage.configFile;
  const out = ["# Contract coverage", ""];
  if (coverage.run) {
    out.push(`Run \`${coverage.run.id}\`, started ${coverage.run.at}. Records: ${coverage.run.files.map((f) => `${f.layer} on ${f.target} (${f.records})`).join(", ")}.`);
  } else out.push("No records.");
  for (const f of coverage.stale) out.push(`Ignored \`${f.file}\`: from an earlier run (${f.at}).`);
  out.push("", `Verdict: **${coverage.ok ? "passed" : "FAILED"}** (minimum ${coverage.minimum.operations}% of operations and ${coverage.minimum.statuses}% of documented statuses answered by a server; exceptions in \`${configFile}\`).`);
  for (const line of coverage.failures) out.push(`- ${line}`);
  for (const line of coverage.warnings) out.push(`- note: ${line}`);
  for (const a of coverage.apis) {
    const t = a.totals;
    out.push("", `## ${a.api}`, "", `\`${a.file}\`: ${t.operationsOnServer}/${t.operations} operations and ${t.statusesOnServer}/${t.statusesCountable} statuses answered by a server (${t.statusesExcepted} excepted), ${t.statusesOnMock}/${t.statuses} statuses by the mock, ${t.examplesAnywhere}/${t.examples} named examples answered (${t.examplesOnServer} by a server, ${t.examplesOnMock} by the mock).`, "");
    out.push("| operation | documented | server | mock | not by a server |", "|---|---|---|---|---|");
    for (const o of a.operations) {
      const gaps = [...o.missing.map((s) => `**${s} missing**`), ...o.excepted.map((e) => `${e.status} (excepted)`)].join(", ");
      out.push(`| \`${o.operationId}\` ${o.method} \`${o.path}\` | ${o.documented.join(" ")} | ${o.server.join(" ") || "—"} | ${o.mock.join(" ") || "—"} | ${gaps || "—"} |`);
    }
    out.push("", "Named examples (S: a server answered with an instance of it, M: the mock answered it):", "");
    for (const o of a.operations) {
      const marks = o.examples.map((e) => `${e.status} ${e.name} ${e.server ? "S" : "-"}${e.mock ? "M" : "-"}`);
      if (marks.length) out.push(`- \`${o.operationId}\`: ${marks.join(", ")}`);
    }
    const params = a.operations.flatMap((o) =>
      o.parameters.map((p) => `- \`${o.operationId}\` ${p.in} \`${p.name}\`${p.required ? " (required)" : ""}: ${p.sentOnServer ? "sent" : "**never sent**"}${p.required ? `, ${p.omittedOnServer ? "left out" : "never left out"}` : ""} on a server`),
    );
    if (params.length) out.push("", "Query and header parameters:", "", ...params);
    const unmatched = Object.entries(a.unmatched);
    if (unmatched.length) out.push("", `Requests that reached no operation: ${unmatched.map(([kind, counts]) => `${kind} ${Object.entries(counts).map(([s, n]) => `${s}×${n}`).join(" ")}`).join("; ")}.`);
  }
  if (coverage.exceptions.length) {
    out.push("", "## Exceptions", "");
    for (const e of coverage.exceptions) out.push(`- ${e.api} ${e.operation === "*" ? "every operation" : `\`${e.operation}\``}${e.status ? ` ${e.status}` : ""}: ${e.reason}`);
  }
  return `${out.join("\n")}\n`;
}

/** The JSON report: everything computed, without the raw records. */
export function toJsonReport(coverage) {
  return { ...coverage, exceptions: coverage.exceptions.map(({ items, ...e }) => e) };
}
