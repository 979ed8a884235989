// Credentials never reach a log line: the webhook token in the trigger URL, bearer tokens and API keys,
// in the access log and in error logs, on a real server (port 0) whose logger output is captured.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAltostratHandlers } from "../../src/apis/altostrat/handlers.ts";
import { createLogger } from "../../src/log/index.ts";
import { createAltostratWorkflow, waitForRun } from "../support/http-runs.ts";
import { ECHO } from "../support/workflows.ts";
import { startTestServer, type TestServer, type TestTenant } from "../support/servers.ts";

type Handlers = ReturnType<typeof createAltostratHandlers>;
type LogLine = Record<string, unknown> & { msg?: string; path?: string; url?: string; status?: number };

describe("credentials in logs", () => {
  const raw: string[] = [];
  const lines = (): LogLine[] => raw.map((line) => JSON.parse(line) as LogLine);
  let server: TestServer;
  let tenant: TestTenant;
  let webhookToken: string;
  let real: Handlers | undefined;
  beforeAll(async () => {
    const logger = createLogger({ level: "info", destination: { write: (line: string) => void raw.push(line) } });
    server = await startTestServer({}, {
      logger,
      handlers: {
        altostrat: {
          // The real webhook, except that a body asking for it fails like a handler bug would (a logged 500).
          triggerWorkflowWebhook: (input) => {
            if ((input.body as { explode?: boolean } | undefined)?.explode) throw new Error(`could not trigger ${input.path.webhookToken}`);
            return real!.triggerWorkflowWebhook(input);
          },
          // A failure whose error carries the caller's credential, as a careless library's error might.
          getWorkflow: async () => {
            throw Object.assign(new Error(`upstream refused 'Authorization: Bearer ${tenant.token}'`), {
              config: { headers: { authorization: `Bearer ${tenant.token}` } },
            });
          },
        },
        alloy: {
          getExecution: async () => {
            throw Object.assign(new Error(`key ${tenant.apiKey} was refused`), { request: { headers: { authorization: `bearer ${tenant.apiKey}` } } });
          },
        },
      },
    });
    real = createAltostratHandlers(server.engine);
    tenant = await server.createTenant();
    const wf = await createAltostratWorkflow(tenant, ECHO);
    webhookToken = wf.webhook_token!;
    expect(webhookToken).toMatch(/^whk_[0-9a-z]{32}$/);
  });
  afterAll(async () => server?.stop());

  const trigger = (path: string, body: unknown = { order: 1 }) =>
    fetch(`${server.altostratUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("replaces the webhook token with [redacted] in the access log, whatever the answer", async () => {
    const accepted = await trigger(`/workflows/webhooks/${webhookToken}`);
    expect(accepted.status).toBe(202);
    await waitForRun(tenant, ((await accepted.json()) as { run_id: string }).run_id);
    const unknown = `whk_${"z".repeat(32)}`;
    const sent = [
      [`/workflows/webhooks/${unknown}`, 404],
      [`/workflows/webhooks/${webhookToken.toUpperCase()}`, 400],
      [`/WORKFLOWS/WEBHOOKS/${webhookToken}`, 202],
      [`/workflows/webhooks/${webhookToken}?source=${webhookToken}`, 400],
      [`/workflows/webhooks/${webhookToken}/extra`, 404],
    ] as const;
    for (const [path, status] of sent) expect((await trigger(path)).status, path).toBe(status);

    const access = lines().filter((l) => l.msg === "request" && /webhooks/i.test(String(l.path)));
    expect(access.map((l) => `${l.status} ${l.path}`)).toEqual([
      "202 /workflows/webhooks/[redacted]",
      "404 /workflows/webhooks/[redacted]",
      "400 /workflows/webhooks/[redacted]",
      "202 /WORKFLOWS/WEBHOOKS/[redacted]",
      "400 /workflows/webhooks/[redacted]",
      "404 /workflows/webhooks/[redacted]/extra",
    ]);
    const all = raw.join("");
    for (const token of [webhookToken, webhookToken.toUpperCase(), unknown]) expect(all).not.toContain(token);
  });

  it("keeps the token out of the error log of a failed webhook request", async () => {
    expect((await trigger(`/workflows/webhooks/${webhookToken}`, { explode: true })).status).toBe(500);
    const failed = lines().filter((l) => l.msg === "request failed" && String(l.url).includes("webhooks"));
    expect(failed).toHaveLength(1);
    expect(failed[0]!.url).toBe("/workflows/webhooks/[redacted]");
    expect(JSON.stringify(failed[0])).toContain("could not trigger [redacted]");
    expect(raw.join("")).not.toContain(webhookToken);
  });

  it("never logs a bearer token or an API key, even inside an error", async () => {
    const altostrat = await fetch(`${server.altostratUrl}/workflows/fl_wf_${"0".repeat(26)}`, { headers: { Authorization: `Bearer ${tenant.token}` } });
    expect(altostrat.status).toBe(500);
    const alloy = await fetch(`${server.alloyUrl}/logs/00000000-00000000`, { headers: { Authorization: `bearer ${tenant.apiKey}`, "x-api-version": "2025-09" } });
    expect(alloy.status).toBe(500);
    // Refused credentials are not logged either.
    expect((await fetch(`${server.altostratUrl}/workflows/fl_wf_${"0".repeat(26)}`, { headers: { Authorization: `Bearer ${tenant.token}x` } })).status).toBe(401);

    const failures = lines().filter((l) => l.msg === "request failed");
    expect(failures.length).toBeGreaterThanOrEqual(2);
    const all = raw.join("");
    expect(all).not.toContain(tenant.token);
    expect(all).not.toContain(tenant.token.split(".")[2]!);
    expect(all).not.toContain(tenant.apiKey);
    expect(all).not.toMatch(/alloy_[0-9A-Za-z]{40}/);
    expect(all).toContain("upstream refused 'Authorization: Bearer [redacted]'");
    expect(all).toContain("key [redacted] was refused");
  });
});
