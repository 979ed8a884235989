#!/usr/bin/env node
// npm run coverage:contract [-- --check]: which documented operation × status the contract layers
// exercised. Reads the records the scenarios, the Arazzo workflows and the fuzzer wrote during the
// newest test run (coverage/contract/*.jsonl; files of earlier runs are ignored) and the bundled specs,
// prints one table per API, and writes coverage/contract/report.md and report.json.
// With --check, exits 1 when an operation or a documented status was never answered by a server
// (the in-process server or a deployment) unless openapi/contract-coverage.yaml excepts it with a
// reason, when an exception is no longer needed, or when the run lacks a layer the file requires.
// Usage: node scripts/coverage-contract.mjs [--check] [--dir DIR] [--config FILE] [--spec API=FILE ...]
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import YAML from "yaml";
import {
  computeCoverage,
  DEFAULT_CONFIG_FILE,
  DEFAULT_RECORDS_DIR,
  formatMarkdown,
  formatTable,
  parseConfig,
  readRecords,
  readSpecOperations,
  toJsonReport,
} from "./lib/contract-coverage.mjs";
import { listApis } from "./lib/pipeline.mjs";

const root = process.cwd();
let values;
try {
  ({ values } = parseArgs({
    options: {
      check: { type: "boolean", default: false },
      dir: { type: "string", default: DEFAULT_RECORDS_DIR },
      config: { type: "string", default: DEFAULT_CONFIG_FILE },
      spec: { type: "string", multiple: true },
    },
  }));
} catch (error) {
  fail(error.message);
}

const rel = (file) => path.relative(root, path.resolve(root, file)) || ".";
const specFiles = values.spec?.length
  ? values.spec.map((pair) => {
      const at = pair.indexOf("=");
      if (at < 1) fail(`--spec takes API=FILE, got '${pair}'`);
      return { api: pair.slice(0, at), file: pair.slice(at + 1) };
    })
  : (await listApis(root)).map((api) => ({ api: api.name, file: path.join("generated", api.name, "openapi.yaml") }));

const specs = [];
for (const { api, file } of specFiles) {
  const text = await readFile(path.resolve(root, file), "utf8").catch(() => fail(`cannot read the bundled spec ${rel(file)} (npm run generate)`));
  specs.push({ api, file: rel(file), operations: readSpecOperations(api, YAML.parse(text)) });
}
const configText = await readFile(path.resolve(root, values.config), "utf8").catch(() => fail(`cannot read ${rel(values.config)}`));
const config = parseConfig(configText, specs, rel(values.config));
const dir = path.resolve(root, values.dir);
const records = await readRecords(dir);
const coverage = computeCoverage({ specs, records, config });

console.log(formatTable(coverage));
await mkdir(dir, { recursive: true });
await writeFile(path.join(dir, "report.md"), formatMarkdown(coverage));
await writeFile(path.join(dir, "report.json"), `${JSON.stringify(toJsonReport(coverage), null, 2)}\n`);
console.log(`coverage:contract: report written to ${rel(path.join(dir, "report.md"))} and report.json`);
for (const line of coverage.warnings) console.log(`coverage:contract: note: ${line}`);
for (const line of coverage.failures) console.log(`coverage:contract: ${line}`);
const excepted = coverage.apis.reduce((n, a) => n + a.totals.statusesExcepted, 0);
if (coverage.ok) {
  console.log(`coverage:contract: passed (${coverage.apis.map((a) => `${a.api} ${a.totals.statusesOnServer}/${a.totals.statusesCountable}`).join(", ")} statuses; ${excepted} excepted in ${config.file})`);
} else {
  console.log(`coverage:contract: ${values.check ? "FAILED" : "would fail --check"} (${coverage.failures.length} ${coverage.failures.length === 1 ? "problem" : "problems"})`);
  if (values.check) process.exitCode = 1;
}

function fail(message) {
  console.log(`coverage:contract: ${message}`);
  process.exit(2);
}
