import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import YAML from "yaml";
import { mintDevToken } from "../auth/index.ts";
import type { Config } from "../config.ts";
import type { WorkflowImport } from "../apis/admin/index.ts";
import { DEMO_ACCOUNT_ID } from "./demo.ts";
import { SERVER_OPTIONS, withFixtures, type Fixtures } from "./fixtures.ts";

/** `reprise token [--account ID] [--ttl SECONDS]`: prints a development JWT signed with JWT_SECRET. */
export async function runToken(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { account: { type: "string", default: DEMO_ACCOUNT_ID }, ttl: { type: "string", default: "3600" } } });
  if (!config.jwt.secret) throw new Error("token needs JWT_SECRET (tokens for JWT_JWKS_URL come from your identity provider)");
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error(`--ttl must be a positive number of seconds, got '${values.ttl}'`);
  const token = await mintDevToken({ secret: config.jwt.secret, accountId: values.account, expiresInSeconds: ttl, accountClaim: config.jwt.accountClaim, issuer: config.jwt.issuer, audience: config.jwt.audience });
  process.stdout.write(`${token}\n`);
}

/** `reprise keys create [--account ID] [--name NAME] [--server URL]`: creates an Alloy API key and prints it once. */
export async function runKeys(config: Config, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  if (verb !== "create") throw new Error(`usage: reprise keys create [--account ID] [--name NAME] ${SERVER_USAGE}`);
  const { values } = parseArgs({ args: rest, options: { ...SERVER_OPTIONS, account: { type: "string", default: DEMO_ACCOUNT_ID }, name: { type: "string" } } });
  // The key's account is created on first use.
  await withFixtures(config, values, async (fixtures) => {
    const key = await fixtures.createApiKey(values.account, values.name);
    process.stdout.write(`${key.key}\n`);
    process.stderr.write(`API key ${key.id} for account ${values.account}${via(fixtures)}. It is stored only as a hash: keep it now.\n`);
  });
}

/**
 * `reprise workflows import <file.yaml> [--account ID] [--api altostrat|alloy] [--server URL]`: creates
 * the workflow, or a new version of the one with the same name. The file holds `{ name, description?, definition }`.
 */
export async function runWorkflows(config: Config, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { ...SERVER_OPTIONS, account: { type: "string", default: DEMO_ACCOUNT_ID }, api: { type: "string", default: "altostrat" } },
  });
  const file = positionals[0];
  if (verb !== "import" || !file) throw new Error(`usage: reprise workflows import <file.yaml> [--account ID] [--api altostrat|alloy] ${SERVER_USAGE}`);
  const api = values.api;
  if (api !== "altostrat" && api !== "alloy") throw new Error(`--api must be altostrat or alloy, got '${api}'`);
  const doc = YAML.parse(await readFile(file, "utf8")) as { name?: unknown; description?: unknown; definition?: unknown };
  if (typeof doc?.name !== "string" || doc.name.length === 0) throw new Error(`${file}: 'name' (a string) is required`);
  const input: WorkflowImport = { accountId: values.account, name: doc.name, description: typeof doc.description === "string" ? doc.description : null, definition: doc.definition, api };
  await withFixtures(config, values, async (fixtures) => {
    const wf = await fixtures.importWorkflow(input);
    process.stdout.write(`${wf.id} version ${wf.version}${wf.created ? " (created)" : " (updated)"}\n`);
    if (fixtures.through) process.stderr.write(`Imported${via(fixtures)}.\n`);
  });
}

/** The options of the fixture commands that reach a running server instead of the store. */
export const SERVER_USAGE = "[--server URL --admin-token TOKEN]";

function via(fixtures: Fixtures): string {
  return fixtures.through ? ` (through ${fixtures.through})` : "";
}
