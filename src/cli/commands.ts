import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import YAML from "yaml";
import { mintDevToken } from "../auth/index.ts";
import type { Config } from "../config.ts";
import { createEngine, DomainError, type Engine } from "../core/index.ts";
import { openStore, resolveStore } from "../store/index.ts";
import { DEMO_ACCOUNT_ID } from "./demo.ts";

/** `reprise token [--account ID] [--ttl SECONDS]`: prints a development JWT signed with JWT_SECRET. */
export async function runToken(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { account: { type: "string", default: DEMO_ACCOUNT_ID }, ttl: { type: "string", default: "3600" } } });
  if (!config.jwt.secret) throw new Error("token needs JWT_SECRET (tokens for JWT_JWKS_URL come from your identity provider)");
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error(`--ttl must be a positive number of seconds, got '${values.ttl}'`);
  const token = await mintDevToken({ secret: config.jwt.secret, accountId: values.account, expiresInSeconds: ttl, accountClaim: config.jwt.accountClaim, issuer: config.jwt.issuer, audience: config.jwt.audience });
  process.stdout.write(`${token}\n`);
}

/** `reprise keys create [--account ID] [--name NAME]`: creates an Alloy API key and prints it once. */
export async function runKeys(config: Config, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  if (verb !== "create") throw new Error("usage: reprise keys create [--account ID] [--name NAME]");
  const { values } = parseArgs({ args: rest, options: { account: { type: "string", default: DEMO_ACCOUNT_ID }, name: { type: "string" } } });
  // createApiKey creates the account on first use.
  await withEngine(config, async (engine) => {
    const key = await engine.createApiKey(values.account, values.name ? { name: values.name } : {});
    process.stdout.write(`${key.key}\n`);
    process.stderr.write(`API key ${key.id} for account ${values.account}. It is stored only as a hash: keep it now.\n`);
  });
}

/**
 * `reprise workflows import <file.yaml> [--account ID] [--api altostrat|alloy]`: creates the workflow,
 * or a new version of the one with the same name. The file holds `{ name, description?, definition }`.
 */
export async function runWorkflows(config: Config, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { account: { type: "string", default: DEMO_ACCOUNT_ID }, api: { type: "string", default: "altostrat" } },
  });
  const file = positionals[0];
  if (verb !== "import" || !file) throw new Error("usage: reprise workflows import <file.yaml> [--account ID] [--api altostrat|alloy]");
  if (values.api !== "altostrat" && values.api !== "alloy") throw new Error(`--api must be altostrat or alloy, got '${values.api}'`);
  const doc = YAML.parse(await readFile(file, "utf8")) as { name?: unknown; description?: unknown; definition?: unknown };
  if (typeof doc?.name !== "string" || doc.name.length === 0) throw new Error(`${file}: 'name' (a string) is required`);
  const description = typeof doc.description === "string" ? doc.description : null;
  // createWorkflow creates the account on first use.
  await withEngine(config, async (engine) => {
    const existing = await engine.getWorkflowByName(values.account, doc.name as string).catch((err: unknown) => {
      if (err instanceof DomainError && err.code === "workflow_not_found") return undefined;
      throw err;
    });
    const wf = existing
      ? await engine.updateWorkflow({ accountId: values.account, workflowId: existing.id, description, definition: doc.definition })
      : await engine.createWorkflow({ accountId: values.account, idStyle: values.api as "altostrat" | "alloy", name: doc.name as string, description, definition: doc.definition, withWebhook: values.api === "altostrat" });
    process.stdout.write(`${wf.id} version ${wf.version}${existing ? " (updated)" : " (created)"}\n`);
  });
}

async function withEngine(config: Config, fn: (engine: Engine) => Promise<void>): Promise<void> {
  // One command needs few connections.
  const db = await openStore({ ...resolveStore(config.store).options, poolSize: 2 });
  const engine = createEngine({ db });
  try {
    await fn(engine);
  } finally {
    await engine.close();
    await db.close();
  }
}

