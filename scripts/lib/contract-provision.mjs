// `reprise contract --provision`: creates every fixture the full suite needs on a development server,
// through its admin listener (openapi/admin/admin.yaml): two accounts, a token and an Alloy key for
// each, and the quick (event-subscribed), slow and approval Alloy workflows, so a run needs no other setup.
import { readFile } from "node:fs/promises";
import { stripTypeScriptTypes } from "node:module";
import path from "node:path";
import { createAdminClient } from "../../src/apis/admin/admin-client.mjs";
import { ADMIN_FILE_NAME, readAdminFile } from "../../src/apis/admin/admin-file.mjs";
import { PACKAGE_ROOT, UsageError } from "./contract-options.mjs";

/** The accounts it creates (or finds again: a second run adds keys and new workflow versions, nothing else). */
export const PROVISIONED_ACCOUNTS = { main: "contract-main", other: "contract-other" };

const TOKEN_TTL_SECONDS = 6 * 3600;

/**
 * Where the admin listener is: --admin-url/--admin-token or REPRISE_ADMIN_URL/REPRISE_ADMIN_TOKEN, else
 * the admin.json a live server left in REPRISE_DATA_DIR (./data by default, from the working directory).
 * @returns {Promise<{ url: string, token: string, from: string }>}
 */
export async function findAdmin({ url, token }, env, cwd) {
  const file = path.resolve(cwd, env.REPRISE_DATA_DIR || "./data", ADMIN_FILE_NAME);
  const published = await readAdminFile(file);
  const chosenUrl = url ?? env.REPRISE_ADMIN_URL ?? published?.url;
  const chosenToken = token ?? env.REPRISE_ADMIN_TOKEN ?? published?.token;
  if (!chosenUrl || !chosenToken) {
    throw new UsageError(`--provision needs a development server's admin listener: none runs with its file at ${file} (set REPRISE_DATA_DIR to the server's data directory, or give --admin-url URL --admin-token TOKEN)`);
  }
  return { url: chosenUrl, token: chosenToken, from: url ? "--admin-url" : env.REPRISE_ADMIN_URL ? "REPRISE_ADMIN_URL" : file };
}

/**
 * Creates the fixtures and resolves with the value of each setting contract-options.mjs lists in PROVISIONED.
 * @param {{ url: string, token: string }} admin
 */
export async function provisionFixtures(admin) {
  const client = createAdminClient(admin);
  const { QUICK_WORKFLOW_NAME, QUICK_DEFINITION, SLOW_DEFINITION, APPROVAL_WORKFLOW_NAME, APPROVAL_DEFINITION } = await loadFixtureDefinitions();
  const credentials = async (accountId) => {
    await client.ensureAccount({ id: accountId, name: accountId });
    const [{ token }, { key }] = await Promise.all([
      client.mintToken(accountId, { ttlSeconds: TOKEN_TTL_SECONDS }),
      client.createApiKey(accountId, { name: "reprise contract --provision" }),
    ]);
    return { token, key };
  };
  const main = await credentials(PROVISIONED_ACCOUNTS.main);
  const other = await credentials(PROVISIONED_ACCOUNTS.other);
  const quick = await client.importWorkflow(PROVISIONED_ACCOUNTS.main, { name: QUICK_WORKFLOW_NAME, api: "alloy", definition: QUICK_DEFINITION });
  const slow = await client.importWorkflow(PROVISIONED_ACCOUNTS.main, { name: "contract slow", api: "alloy", definition: SLOW_DEFINITION });
  const approval = await client.importWorkflow(PROVISIONED_ACCOUNTS.main, { name: APPROVAL_WORKFLOW_NAME, api: "alloy", definition: APPROVAL_DEFINITION });
  return {
    token: main.token,
    apiKey: main.key,
    otherToken: other.token,
    otherApiKey: other.key,
    alloyWorkflow: quick.id,
    alloySlowWorkflow: slow.id,
    alloyApprovalWorkflow: approval.id,
  };
}

/**
 * The scenarios' own fixture workflows (test/contract/support/scenarios/definitions.ts, their one home). Node
 * strips no types under node_modules, so the types are stripped here; the file has no imports.
 */
async function loadFixtureDefinitions() {
  const source = await readFile(path.join(PACKAGE_ROOT, "test/contract/support/scenarios/definitions.ts"), "utf8");
  const code = withoutExperimentalWarning(() => stripTypeScriptTypes(source, { mode: "strip" }));
  return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}

// stripTypeScriptTypes is stable enough for a file of constants; its warning would read as a problem of the run.
function withoutExperimentalWarning(fn) {
  const emit = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    const type = typeof rest[0] === "string" ? rest[0] : rest[0]?.type;
    if (type !== "ExperimentalWarning") emit.call(process, warning, ...rest);
  };
  try {
    return fn();
  } finally {
    process.emitWarning = emit;
  }
}
