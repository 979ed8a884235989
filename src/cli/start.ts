import { mintDevToken } from "../auth/index.ts";
import type { Config } from "../config.ts";
import { redactConfig } from "../config.ts";
import { createLogger } from "../log/index.ts";
import { removeAdminFile, writeAdminFile } from "../apis/admin/index.ts";
import { startWhenStoreIsReachable, stopOnSignals } from "../lifecycle.ts";
import { startServer, type RunningServer } from "../server.ts";
import { resolveStore } from "../store/index.ts";
import { DEMO_ACCOUNT_ID, ensureDemo, issueDemoApiKey } from "./demo.ts";
import { preparePipelineOutputs } from "./pipeline.ts";

/** `reprise start`: both APIs, the workers and retention, with a demo tenant ready to try. */
export async function runStart(config: Config, root: string): Promise<void> {
  const logger = createLogger({ level: config.logLevel });
  preparePipelineOutputs(root, (line) => logger.info(line));
  if (config.jwt.usesDevelopmentSecret) logger.warn("JWT_SECRET is not set: using the development secret (never in production)");
  logger.info({ config: redactConfig(config) }, "starting");

  const server = await startWhenStoreIsReachable(config.store, logger, () => startServer(config, { logger, root }));
  stopOnSignals(server, logger, { deadlineMs: config.worker.shutdownDeadlineMs });
  await publishAdmin(config, server);
  // In production no demo account is seeded and no credential is printed: with several processes
  // each start would revoke the key the others printed, and a printed token would be a real one.
  if (config.nodeEnv === "production") return printListeners(config, server);
  const demo = await ensureDemo(server.engine);
  const apiKey = await issueDemoApiKey(server.engine);
  const token = config.jwt.secret
    ? await mintDevToken({ secret: config.jwt.secret, accountId: DEMO_ACCOUNT_ID, expiresInSeconds: 24 * 3600, accountClaim: config.jwt.accountClaim, issuer: config.jwt.issuer, audience: config.jwt.audience })
    : undefined;

  const lines = [
    "",
    `Altostrat Workflows API  ${server.altostratUrl}   (reference: ${server.altostratUrl}/docs)`,
    `Alloy Embedded 2025-09   ${server.alloyUrl}   (reference: ${server.alloyUrl}/docs)`,
    `Store: ${describeStore(config)}; worker ${server.worker?.id ?? "off"}`,
    ...(server.admin ? [`Admin (127.0.0.1 only; npm run keys and workflows use it) ${server.admin.url}   token in ${config.admin.file}:`, `  ${server.admin.token}`] : []),
    "",
    token ? `Development JWT (account ${DEMO_ACCOUNT_ID}, 24 h):\n  ${token}` : "JWT_JWKS_URL is set: mint tokens with your identity provider.",
    `Development Alloy API key (account ${DEMO_ACCOUNT_ID}; shown once, earlier ones revoked):\n  ${apiKey}`,
    "",
    "Run console (paste the JWT or the API key into the page):",
    `  ${server.altostratUrl}/console?workflow=${demo.altostrat.workflow.id}`,
    `  ${server.alloyUrl}/console?workflow=${demo.alloy.workflow.id}`,
    "",
    "Rerun the seeded Altostrat run:",
    `  curl -s -X POST ${server.altostratUrl}/workflows/runs/${demo.altostrat.run.id}/rerun -H 'Authorization: Bearer ${token ?? "<token>"}'`,
    "Rerun the seeded Alloy execution:",
    `  curl -s -X POST ${server.alloyUrl}/workflows/${demo.alloy.workflow.id}/rerun/${demo.alloy.run.id} -H 'Authorization: bearer ${apiKey}' -H 'x-api-version: 2025-09'`,
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

function printListeners(config: Config, server: RunningServer): void {
  const lines = [
    `Altostrat Workflows API  ${server.altostratUrl}`,
    `Alloy Embedded 2025-09   ${server.alloyUrl}`,
    `Store: ${describeStore(config)}; worker ${server.worker?.id ?? "off"}`,
    ...(server.admin ? [`Admin (127.0.0.1 only) ${server.admin.url}   token in ${config.admin.file}`] : []),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

/**
 * Leaves the admin URL and token in the data directory (mode 0600) for the CLI on this machine, and
 * removes them when the process exits.
 */
async function publishAdmin(config: Config, server: RunningServer): Promise<void> {
  if (!server.admin) return;
  const { token } = server.admin;
  await writeAdminFile(config.admin.file, { url: server.admin.url, token, pid: process.pid });
  process.once("exit", () => removeAdminFile(config.admin.file, token));
}

function describeStore(config: Config): string {
  return resolveStore(config.store).description;
}
