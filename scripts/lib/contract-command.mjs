// `reprise contract` and `npm run test:contract`: prints the resolved targets, refuses an unreachable
// deployment in one line, then runs test/contract/contract.test.ts with vitest's programmatic API,
// rooted at the package (not the caller's directory), and writes the JUnit and JSON reports asked for.
// Exit codes: 0 every test passed, 1 a test failed, 2 wrong usage or an unreachable target.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PACKAGE_ROOT, resolveContractOptions, SETTINGS, toContractEnv, usage, UsageError } from "./contract-options.mjs";
import { summarizeRun, summarizeUnreachable } from "./contract-summary.mjs";
import { whyUnreachable } from "./reachable.mjs";
import { findAdmin, PROVISIONED_ACCOUNTS, provisionFixtures } from "./contract-provision.mjs";

const TEST_FILE = "test/contract/contract.test.ts";

/**
 * Runs the contract suite and resolves with the process exit code.
 * @param {string[]} argv arguments after the command name
 * @param {{ name: string, defaultTargets?: string, recordsDir?: "package" | "temporary", env?: Record<string, string | undefined>, cwd?: string }} options
 *   `recordsDir`: where coverage records go unless CONTRACT_COVERAGE_DIR says: the package's coverage/contract
 *   (for `npm run coverage:contract` in the repository) or a temporary folder removed afterwards.
 */
export async function runContractCommand(argv, { name, defaultTargets = "", recordsDir = "temporary", env = process.env, cwd = process.cwd() }) {
  let options;
  try {
    options = resolveContractOptions(argv, env, { cwd, defaultTargets });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${name}: ${error.message}`);
    return 2;
  }
  if (options.help) {
    console.log(usage(name));
    return 0;
  }
  const started = Date.now();
  const provisioned = options.provision ? await provision(options, name, env, cwd) : undefined;
  if (provisioned === null) return 2;
  // The resolved targets first, so a run against the wrong place is obvious before anything starts.
  console.log(`${name}: targets ${options.labels.join(",")}`);
  for (const label of options.labels) console.log(`  ${label.padEnd(10)} ${describeTarget(label, options.settings)}`);
  if (options.labels.includes("deployment")) console.log(`  ${"".padEnd(10)} ${describeSources(options.settings)}`);
  if (provisioned) console.log(`  ${"".padEnd(10)} ${provisioned}`);
  const down = options.labels.includes("deployment") ? await findUnreachable(options.settings) : [];
  if (down.length > 0) {
    // A deployment nobody answers at would fail every scenario one by one; say it once instead.
    console.error(`${name}: deployment unreachable: ${down.map((d) => `${d.api} ${d.url} (${d.why})`).join("; ")}; nothing was run`);
    await writeJsonReports(options, summarizeUnreachable({ name, options, down, started }));
    return 2;
  }
  const temporary = recordsDir === "temporary" && !env.CONTRACT_COVERAGE_DIR ? await mkdtemp(path.join(os.tmpdir(), "reprise-contract-")) : undefined;
  try {
    Object.assign(process.env, stripUndefined(toContractEnv(options)), temporary ? { CONTRACT_COVERAGE_DIR: temporary } : {});
    for (const s of SETTINGS) if (!options.settings[s.key]) delete process.env[s.env];
    const run = await runVitest(options);
    const summary = summarizeRun({ name, options, run, started });
    await writeJsonReports(options, summary);
    for (const r of options.reporters) console.log(`${name}: ${r.name} report written to ${r.file}`);
    console.log(`${name}: ${summary.result} (${summary.tests.passed} passed, ${summary.tests.failed} failed, ${summary.tests.skipped} not run)`);
    return summary.exitCode;
  } finally {
    if (temporary) await rm(temporary, { recursive: true, force: true });
  }
}

/** Runs the contract test file in the package with the reporters asked for; resolves with vitest's test modules. */
async function runVitest(options) {
  // Imported here: `--help` and usage errors need no test runner.
  const { startVitest } = await import("vitest/node");
  const junit = options.reporters.find((r) => r.name === "junit");
  const reporters = ["default", ...(junit ? [["junit", { outputFile: junit.file, classnameTemplate: "{classname}", titleTemplate: "{title}" }]] : [])];
  const vitest = await startVitest(
    "test",
    [path.join(PACKAGE_ROOT, TEST_FILE)],
    {
      root: PACKAGE_ROOT,
      config: false,
      run: true,
      watch: false,
      reporters,
      pool: "forks",
      testTimeout: 30_000,
      hookTimeout: 120_000,
      ...(options.scenariosOnly ? { testNamePattern: "contract scenarios" } : {}),
    },
    // Nothing written into the package (it may sit in a read-only node_modules).
    { cacheDir: path.join(os.tmpdir(), "reprise-contract-vite-cache") },
  );
  try {
    const modules = vitest.state.getTestModules();
    return { modules, unhandled: vitest.state.getUnhandledErrors(), found: modules.length > 0 };
  } finally {
    await vitest.close();
  }
}

/**
 * Creates the fixtures through the server's admin listener and fills the settings with them (from
 * "--provision"); resolves with a line saying what was created, or null after printing why it failed.
 */
async function provision(options, name, env, cwd) {
  try {
    const admin = await findAdmin(options.provision, env, cwd);
    const values = await provisionFixtures(admin);
    for (const [key, value] of Object.entries(values)) options.settings[key] = { value, from: "--provision" };
    const { main, other } = PROVISIONED_ACCOUNTS;
    return `provisioned through ${admin.url} (from ${admin.from}): accounts ${main} and ${other} with a token and an Alloy key each, Alloy workflows ${values.alloyWorkflow} (quick), ${values.alloySlowWorkflow} (slow) and ${values.alloyApprovalWorkflow} (approval)`;
  } catch (error) {
    if (!(error instanceof UsageError) && error?.name !== "AdminRequestError") throw error;
    console.error(`${name}: ${error.message}; nothing was run`);
    return null;
  }
}

async function findUnreachable(settings) {
  const urls = [
    ["Altostrat", settings.altostrat?.value],
    ["Alloy", settings.alloy?.value],
  ].filter(([, url]) => url);
  const checked = await Promise.all(urls.map(async ([api, url]) => ({ api, url, why: await whyUnreachable(url) })));
  return checked.filter((d) => d.why);
}

async function writeJsonReports(options, summary) {
  for (const r of options.reporters.filter((reporter) => reporter.name === "json")) await writeFile(r.file, `${JSON.stringify(summary, null, 2)}\n`);
}

function describeTarget(label, settings) {
  if (label === "mock") return "Prism mocks of generated/altostrat/openapi.yaml and generated/alloy/openapi.yaml, started for the run";
  if (label === "server") return "the server in this process (in-memory store) behind Prism's validating proxy";
  const alloy = settings.alloy ? `Alloy ${settings.alloy.value}` : "no Alloy URL (--alloy or CONTRACT_ALLOY_URL): Alloy scenarios and workflows not run";
  return `Altostrat ${settings.altostrat.value}, ${alloy}; behind Prism's validating proxy`;
}

/** Where each deployment setting came from; credentials by name only. */
function describeSources(settings) {
  const given = SETTINGS.filter((s) => settings[s.key]).map((s) => `${s.key} from ${settings[s.key].from}`);
  return `settings: ${given.join(", ")}`;
}

function stripUndefined(record) {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
