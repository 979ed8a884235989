import { describe, expect, it } from "vitest";
import { createLogger, scrubCredentials } from "../../src/log/index.ts";

const API_KEY = `alloy_${"Ab3".repeat(13)}x`;
const WEBHOOK_TOKEN = `whk_${"k9".repeat(16)}`;
const JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhY2NvdW50X2lkIjoiYWNjdF8xIn0.c2lnbmF0dXJlLWJ5dGVz";

function capture(level: "info" | "error" = "info") {
  const raw: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void raw.push(line) } });
  return { logger, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("log redaction", () => {
  it("scrubs credential-shaped strings wherever they are in a line", () => {
    const { logger, raw, lines } = capture();
    logger.error(
      {
        err: new Error(`POST /workflows/webhooks/${WEBHOOK_TOKEN} failed with key ${API_KEY}`),
        url: `/workflows/webhooks/${WEBHOOK_TOKEN}?next=1`,
        nested: { deeper: { note: `Authorization: Bearer ${JWT}`, other: `Basic dXNlcjpwYXNzd29yZA==`, list: [API_KEY, JWT] } },
      },
      `token ${JWT}`,
    );
    expect(raw).toHaveLength(1);
    const text = raw[0]!;
    for (const secret of [API_KEY, WEBHOOK_TOKEN, JWT, "dXNlcjpwYXNzd29yZA=="]) expect(text).not.toContain(secret);
    const [line] = lines(); // still valid JSON
    expect(line).toMatchObject({
      msg: "token [redacted]",
      url: "/workflows/webhooks/[redacted]?next=1",
      nested: { deeper: { note: "Authorization: Bearer [redacted]", other: "Basic [redacted]", list: ["[redacted]", "[redacted]"] } },
    });
    expect((line!.err as { message: string }).message).toBe("POST /workflows/webhooks/[redacted] failed with key [redacted]");
  });

  it("censors credential fields of any logged object, one level down", () => {
    const { logger, lines } = capture();
    logger.info({
      "x-api-key": "k1",
      error: { authorization: "opaque-1", headers: { authorization: "opaque-2", "x-api-key": "opaque-3", cookie: "sid=1" } },
      request: { webhookToken: "opaque-4" },
    });
    expect(lines()[0]).toMatchObject({
      "x-api-key": "[redacted]",
      error: { authorization: "[redacted]", headers: { authorization: "[redacted]", "x-api-key": "[redacted]", cookie: "[redacted]" } },
      request: { webhookToken: "[redacted]" },
    });
  });

  it("leaves ordinary text alone", () => {
    for (const text of [
      '{"msg":"The bearer token has expired."}',
      '{"msg":"request","path":"/workflows/fl_wf_01jbwxwcbyb6wk952swa0432cf/execute"}',
      '{"msg":"Basic auth is not supported"}',
      '{"id":"whk_short","key":"alloy_tooShort"}',
    ]) {
      expect(scrubCredentials(text)).toBe(text);
    }
  });

  it("keeps every line valid JSON whatever surrounds a credential", () => {
    for (const around of ['"', "\\", "\\\"", "\n", "}", "/", "="]) {
      const { logger, raw } = capture();
      logger.info({ value: `${around}Bearer ${JWT}${around}${API_KEY}${around}` });
      expect(() => JSON.parse(raw[0]!)).not.toThrow();
      expect(raw[0]).not.toContain(JWT);
      expect(raw[0]).not.toContain(API_KEY);
    }
  });

  it("never starts a replacement inside a \\u escape, and still scrubs text that only looks like one", () => {
    const { logger, raw, lines } = capture();
    // U+001A then "lloy_…", and U+000E then "yJ…": JSON writes them as \u001alloy_… and \u000eyJ….
    const escaped = [`\u001a${API_KEY.slice(1)}`, `\u000e${JWT.slice(1)}`];
    logger.info({ escaped, literal: `\\u000${API_KEY}` });
    expect(raw[0]).toContain("\\u001alloy_");
    expect(lines()[0]).toMatchObject({ escaped, literal: "\\u000[redacted]" });
  });
});
