// What `reprise contract` (and `npm run test:contract`) runs against: targets and credentials from the
// command line, the environment and a config file, in that order of precedence, each value with where
// it came from, so a leftover variable can never hide behind a flag unnoticed.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import YAML from "yaml";

/** Root of the installed package (or of this repository). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Wrong arguments or settings: one line, exit code 2. */
export class UsageError extends Error {}

/** Each setting of a deployment: its flag, its environment variable and its config-file key. */
export const SETTINGS = [
  { key: "altostrat", flag: "altostrat", env: "CONTRACT_ALTOSTRAT_URL", secret: false, help: "Altostrat base URL of the deployment" },
  { key: "alloy", flag: "alloy", env: "CONTRACT_ALLOY_URL", secret: false, help: "Alloy base URL of the deployment" },
  { key: "token", flag: "token", env: "CONTRACT_TOKEN", secret: true, help: "Altostrat bearer token (JWT) of the test account" },
  { key: "apiKey", flag: "api-key", env: "CONTRACT_API_KEY", secret: true, help: "Alloy API key of the same account" },
  { key: "otherToken", flag: "other-token", env: "CONTRACT_OTHER_TOKEN", secret: true, help: "token of a second account (isolation checks)" },
  { key: "otherApiKey", flag: "other-api-key", env: "CONTRACT_OTHER_API_KEY", secret: true, help: "Alloy key of the second account" },
  { key: "alloyWorkflow", flag: "alloy-workflow", env: "CONTRACT_ALLOY_WORKFLOW_ID", secret: false, help: "Alloy workflow whose executions finish" },
  { key: "alloySlowWorkflow", flag: "alloy-slow-workflow", env: "CONTRACT_ALLOY_SLOW_WORKFLOW_ID", secret: false, help: "Alloy workflow that stays unfinished a while" },
  { key: "alloyApprovalWorkflow", flag: "alloy-approval-workflow", env: "CONTRACT_ALLOY_APPROVAL_WORKFLOW_ID", secret: false, help: "Alloy workflow that waits for input at step approve" },
];

/** The settings `--provision` supplies (scripts/lib/contract-provision.mjs creates them). */
export const PROVISIONED = ["token", "apiKey", "otherToken", "otherApiKey", "alloyWorkflow", "alloySlowWorkflow", "alloyApprovalWorkflow"];

const REPORTERS = { junit: "reprise-contract.xml", json: "reprise-contract.json" };

/** The usage text; `name` is how the command was invoked. */
export function usage(name) {
  const settings = SETTINGS.map((s) => `  --${`${s.flag} ${s.key === "altostrat" || s.key === "alloy" ? "URL" : "VALUE"}`.padEnd(28)} ${s.help} (${s.env})`);
  return [
    `usage: ${name} [--altostrat URL --alloy URL | --config FILE | --mock] [options]`,
    ...settings,
    `  ${"--config FILE".padEnd(30)} YAML or JSON with the keys ${SETTINGS.map((s) => s.key).join(", ")}`,
    `  ${"--mock".padEnd(30)} run against Prism mocks of both APIs instead of a deployment`,
    `  ${"--target LIST".padEnd(30)} mock, server (inside the repository only) and/or an Altostrat URL`,
    `  ${"--scenarios-only".padEnd(30)} leave out the Arazzo workflows`,
    `  ${"--provision".padEnd(30)} create the accounts, tokens, keys and Alloy workflows on a development server first,`,
    `  ${"".padEnd(30)} through its admin listener (admin.json in REPRISE_DATA_DIR, or the next two)`,
    `  ${"--admin-url URL".padEnd(30)} the server's admin listener (REPRISE_ADMIN_URL)`,
    `  ${"--admin-token TOKEN".padEnd(30)} its token (REPRISE_ADMIN_TOKEN)`,
    `  ${"--reporter junit|json".padEnd(30)} also write JUnit XML or a JSON summary (repeatable)`,
    `  ${"--output FILE".padEnd(30)} file of each --reporter, in order (default ${Object.values(REPORTERS).join(", ")})`,
    "precedence: command-line flags, then CONTRACT_* variables, then the config file",
    "exit codes: 0 every test passed, 1 a test failed, 2 wrong usage or an unreachable target",
  ].join("\n");
}

/**
 * Parses the arguments of a contract run and resolves every setting.
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} env
 * @param {{ cwd?: string, defaultTargets?: string }} [options]
 */
export function resolveContractOptions(argv, env, { cwd = process.cwd(), defaultTargets = "mock,server" } = {}) {
  const values = parseFlags(argv);
  if (values.help) return { help: true };
  if (values.fuzz) throw new UsageError("--fuzz is not available against a deployment yet (the fuzzer seeds its fixtures through the server's engine): run `npm run test:fuzz` in the repository");
  const reporters = pairReporters(values.reporter ?? [], values.output ?? [], cwd);
  const file = values.config ? readConfigFile(path.resolve(cwd, values.config)) : {};
  const resolved = {};
  for (const s of SETTINGS) {
    const [value, from] =
      values[s.flag] !== undefined ? [values[s.flag], `--${s.flag}`] : env[s.env] ? [env[s.env], s.env] : file[s.key] !== undefined ? [String(file[s.key]), values.config] : [];
    if (value !== undefined) resolved[s.key] = { value: s.key === "altostrat" || s.key === "alloy" ? checkUrl(value, from) : value, from };
  }
  const labels = resolveLabels(values, resolved, defaultTargets);
  const provision = values.provision ? resolveProvision(values, labels) : undefined;
  // What --provision creates replaces a variable or a config-file value (a flag wins over both).
  if (provision) for (const key of PROVISIONED) delete resolved[key];
  if (labels.includes("deployment") && !resolved.altostrat) throw new UsageError("a deployment needs an Altostrat URL (--altostrat or CONTRACT_ALTOSTRAT_URL)");
  if (labels.includes("deployment") && !provision && !resolved.token) throw new UsageError("a deployment target needs CONTRACT_TOKEN or --token (an Altostrat bearer token)");
  if (labels.includes("deployment") && !provision && resolved.alloy && !resolved.apiKey) throw new UsageError("an Alloy URL needs CONTRACT_API_KEY or --api-key (an Alloy API key)");
  if (labels.includes("server") && !existsSync(path.join(PACKAGE_ROOT, "test/support/servers.ts"))) {
    throw new UsageError("the in-process server target runs only inside the repository; give a deployment (--altostrat URL) or --mock");
  }
  return { help: false, labels, settings: resolved, reporters, scenariosOnly: values["scenarios-only"], provision };
}

/** The CONTRACT_* environment a contract run hands to its test file: only resolved values, so nothing stale leaks in. */
export function toContractEnv({ labels, settings }) {
  const out = { CONTRACT_TARGETS: labels.join(",") };
  for (const s of SETTINGS) out[s.env] = settings[s.key]?.value;
  return out;
}

/** --provision needs a deployment and leaves its settings to the server; a flag for one of them is a contradiction. */
function resolveProvision(values, labels) {
  if (!labels.includes("deployment")) throw new UsageError("--provision creates fixtures on a development server: give its --altostrat URL (and --alloy URL)");
  const given = SETTINGS.filter((s) => PROVISIONED.includes(s.key) && values[s.flag] !== undefined).map((s) => `--${s.flag}`);
  if (given.length > 0) throw new UsageError(`--provision creates ${given.join(", ")} itself: leave ${given.length > 1 ? "them" : "it"} out`);
  return { url: values["admin-url"], token: values["admin-token"] };
}

function parseFlags(argv) {
  const options = {
    config: { type: "string" },
    mock: { type: "boolean", default: false },
    target: { type: "string" },
    "scenarios-only": { type: "boolean", default: false },
    reporter: { type: "string", multiple: true },
    output: { type: "string", multiple: true },
    provision: { type: "boolean", default: false },
    "admin-url": { type: "string" },
    "admin-token": { type: "string" },
    fuzz: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  };
  for (const s of SETTINGS) options[s.flag] = { type: "string" };
  try {
    return parseArgs({ args: argv, options }).values;
  } catch (error) {
    throw new UsageError(error.message);
  }
}

function resolveLabels(values, resolved, defaultTargets) {
  const labels = [];
  const list = values.target ?? (values.mock ? "mock" : resolved.altostrat ? "" : defaultTargets);
  for (const target of list.split(",").map((s) => s.trim()).filter(Boolean)) {
    if (target === "mock" || target === "server") labels.push(target);
    else if (URL.canParse(target)) {
      // A URL given to --target is the Altostrat URL, and wins like any flag.
      resolved.altostrat = { value: checkUrl(target, "--target"), from: "--target" };
      labels.push("deployment");
    } else throw new UsageError(`--target must be mock, server or a URL, got '${target}'`);
  }
  if (values.mock) labels.push("mock");
  if (values.target === undefined && resolved.altostrat && (values.altostrat !== undefined || !values.mock)) labels.push("deployment");
  if (labels.length === 0) throw new UsageError("nothing to run against: give --altostrat URL (and --alloy URL), --config FILE or --mock");
  return [...new Set(labels)];
}

function checkUrl(value, from) {
  if (!/^https?:\/\//.test(value) || !URL.canParse(value)) throw new UsageError(`${from} must be an http(s) URL, got '${value}'`);
  return value.replace(/\/+$/, "");
}

function readConfigFile(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the config file ${file} (${error.code ?? error.message})`);
  }
  let parsed;
  try {
    parsed = YAML.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not YAML or JSON: ${error.message.split("\n")[0]}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new UsageError(`${file} must hold a mapping of settings`);
  const unknown = Object.keys(parsed).filter((key) => !SETTINGS.some((s) => s.key === key));
  if (unknown.length > 0) throw new UsageError(`${file}: unknown setting ${unknown.join(", ")} (known: ${SETTINGS.map((s) => s.key).join(", ")})`);
  return parsed;
}

function pairReporters(names, outputs, cwd) {
  if (outputs.length > names.length) throw new UsageError("each --output needs a --reporter before it");
  return names.map((name, i) => {
    if (!(name in REPORTERS)) throw new UsageError(`--reporter must be junit or json, got '${name}'`);
    return { name, file: path.resolve(cwd, outputs[i] ?? REPORTERS[name]) };
  });
}
