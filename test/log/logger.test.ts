import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, createRequestId } from "../../src/log/logger.ts";

function captureLines(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, lines: () => chunks.join("").trim().split("\n").map((line) => JSON.parse(line)) };
}

describe("logger", () => {
  it("censors authorization headers, tokens and secrets", () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ level: "info", destination: stream });
    logger.info(
      { req: { headers: { authorization: "Bearer abc", accept: "json" } }, token: "t", jwt: { secret: "s" } },
      "request",
    );
    const [line] = lines();
    expect(line).toMatchObject({
      msg: "request",
      req: { headers: { authorization: "[redacted]", accept: "json" } },
      token: "[redacted]",
      jwt: { secret: "[redacted]" },
    });
  });

  it("drops lines below the configured level", () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ level: "warn", destination: stream });
    logger.info("quiet");
    logger.warn("loud");
    expect(lines().map((line) => line.msg)).toEqual(["loud"]);
  });

  it("makes distinct request ids of a fixed shape", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => createRequestId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-z]{24}$/);
  });
});
