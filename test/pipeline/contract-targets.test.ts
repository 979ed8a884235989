import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runScript } from "../support/run-script.ts";

type ReachableModule = { whyUnreachable: (url: string, options?: { timeoutMs?: number }) => Promise<string | undefined> };

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("npm run test:contract targets", () => {
  let server: http.Server;
  let answering: string;
  beforeAll(async () => {
    server = http.createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    answering = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("counts any HTTP answer, even a 404, as reachable, and names why a URL is not", async () => {
    const { whyUnreachable } = (await import(path.join(REPO_ROOT, "scripts/lib/reachable.mjs"))) as ReachableModule;
    expect(await whyUnreachable(answering)).toBeUndefined();
    const port = await closedPort();
    expect(await whyUnreachable(`http://127.0.0.1:${port}`)).toContain("ECONNREFUSED");
  });

  it("prints the resolved targets, then one line and exit code 2 for an unreachable deployment", async () => {
    const port = await closedPort();
    const alloy = `http://127.0.0.1:${port}`;
    const env = { ...process.env, CONTRACT_TOKEN: "token", CONTRACT_API_KEY: "key", CONTRACT_ALTOSTRAT_URL: "http://ignored.invalid" };
    const result = await runScript(REPO_ROOT, "contract.mjs", [`--target=${answering}/`, `--alloy=${alloy}`], env);
    expect(result.code, result.output).toBe(2);
    expect(result.output.trimEnd().split("\n")).toEqual([
      "test:contract: targets deployment",
      `  deployment Altostrat ${answering}, Alloy ${alloy}; behind Prism's validating proxy`,
      "             settings: altostrat from --target, alloy from --alloy, token from CONTRACT_TOKEN, apiKey from CONTRACT_API_KEY",
      `test:contract: deployment unreachable: Alloy ${alloy} (connect ECONNREFUSED 127.0.0.1:${port}); nothing was run`,
    ]);
  });
});
