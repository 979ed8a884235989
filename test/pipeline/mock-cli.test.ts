// scripts/mock.mjs's command line (usage instead of a stack trace), and how Prism's mock answers a
// malformed JSON body (README, "Frontend teams": the mock never answers it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrismFor } from "../support/prism.ts";
import { REPO_ROOT, runScript } from "../support/run-script.ts";

describe("npm run mock -- --help", () => {
  it.each([["--help"], ["-h"]])("%s prints the usage and exits 0 without starting a mock", async (flag) => {
    const result = await runScript(REPO_ROOT, "mock.mjs", [flag]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/^usage: npm run mock/);
    expect(result.output).toContain("ALTOSTRAT_MOCK_PORT");
    expect(result.output).not.toContain("Prism is listening");
  });

  it("an unknown option is one line and the usage, exit 2, no stack trace", async () => {
    const result = await runScript(REPO_ROOT, "mock.mjs", ["--bogus"]);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/^mock: Unknown option '--bogus'/);
    expect(result.output).toContain("usage: npm run mock");
    expect(result.output).not.toMatch(/^\s+at /m);
  });

  it("a port variable that is not a port stops it with one line naming the variable", async () => {
    const result = await runScript(REPO_ROOT, "mock.mjs", [], { ...process.env, ALTOSTRAT_MOCK_PORT: "abc", ALLOY_MOCK_PORT: "0" });
    expect(result.code).toBe(1);
    expect(result.output).toContain("mock: ALTOSTRAT_MOCK_PORT=abc is not a port");
    expect(result.output).not.toMatch(/^\s+at /m);
  });
});

describe("Prism's mock and a malformed JSON body", () => {
  let prism: Awaited<ReturnType<typeof startPrismFor>> | undefined;
  beforeAll(async () => {
    prism = await startPrismFor("altostrat");
  });
  afterAll(async () => prism?.stop());

  it("never answers it (Prism 5.16 waits for the end of a body it has already read)", async () => {
    const sent = fetch(`${prism!.url}/workflows`, {
      method: "POST",
      headers: { Authorization: "Bearer any-token", "Content-Type": "application/json" },
      body: '{"name": "x",',
      signal: AbortSignal.timeout(2000),
    });
    // If this fails because Prism now answers, update README "Frontend teams" with the answer it gives.
    await expect(sent).rejects.toMatchObject({ name: "TimeoutError" });
    // A well-formed body is answered at once on the same mock.
    const fine = await fetch(`${prism!.url}/workflows`, {
      method: "POST",
      headers: { Authorization: "Bearer any-token", "Content-Type": "application/json" },
      body: "{}",
      signal: AbortSignal.timeout(5000),
    });
    expect(fine.status).toBe(422);
  });
});
