import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findFreePort } from "../support/free-port.ts";
import { REPO_ROOT } from "../support/run-script.ts";

type MockScript = { child: ChildProcess; output: () => string; urls: Record<string, string>; exited: Promise<number | null> };

const running = new Set<ChildProcess>();

/** Starts `node scripts/mock.mjs` on two free ports and resolves once it has printed both URLs. */
async function startMockScript(args: string[] = []): Promise<MockScript> {
  const ports = { altostrat: await findFreePort(), alloy: await findFreePort() };
  // The run console it also serves takes any free port (0), not the fixed 4010 another run may hold.
  const env = { ...process.env, ALTOSTRAT_MOCK_PORT: String(ports.altostrat), ALLOY_MOCK_PORT: String(ports.alloy), CONSOLE_MOCK_PORT: "0" };
  const child = spawn(process.execPath, [path.join(REPO_ROOT, "scripts/mock.mjs"), ...args], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = Object.fromEntries([...output.matchAll(/^mock: (\w+) at (\S+)/gm)].map((match) => [match[1], match[2]]));
      if (found.altostrat && found.alloy) resolve(found as Record<string, string>);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => reject(new Error(`mock.mjs exited with ${code} before printing both URLs:\n${output}`)));
  });
  expect(urls).toEqual({ altostrat: `http://127.0.0.1:${ports.altostrat}`, alloy: `http://127.0.0.1:${ports.alloy}` });
  return { child, output: () => output, urls, exited };
}

/** One request to the seed operation of each mock, with the headers each contract requires. */
async function requestBoth(urls: Record<string, string>): Promise<{ altostrat: Response; alloy: Response }> {
  const [altostrat, alloy] = await Promise.all([
    fetch(`${urls.altostrat}/workflows/runs/fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4/rerun`, { method: "POST", headers: { Authorization: "Bearer any-token" } }),
    fetch(`${urls.alloy}/workflows/8c4fa2815d2802827283e0ad/rerun/24c1c099-724caf49`, {
      method: "POST",
      headers: { Authorization: "bearer any-key", "x-api-version": "2025-09" },
    }),
  ]);
  return { altostrat, alloy };
}

afterEach(() => {
  // A failed assertion must not leave the script (and its Prisms) running.
  for (const child of running) if (child.exitCode === null) child.kill("SIGTERM");
  running.clear();
});

describe("npm run mock (scripts/mock.mjs)", () => {
  it("answers on both ports from the environment, prints both URLs and stops on SIGTERM", async () => {
    const mock = await startMockScript();
    expect(mock.output()).toContain("(static examples)");

    const { altostrat, alloy } = await requestBoth(mock.urls);
    expect(altostrat.status).toBe(202);
    expect(await altostrat.json()).toMatchObject({ new_run: { id: "fl_run_01jbfsgtzjb48ey4hdd14htwf3" } });
    expect(alloy.status).toBe(200);
    expect(await alloy.json()).toEqual({ message: "success", executionId: "37e974f0-5d0c4035" });

    mock.child.kill("SIGTERM");
    expect(await mock.exited).toBe(0);
    await expect(fetch(`${mock.urls.altostrat}/workflows/runs/x/rerun`, { method: "POST" })).rejects.toThrow();
    await expect(fetch(`${mock.urls.alloy}/workflows/x/rerun/y`, { method: "POST" })).rejects.toThrow();
  });

  it("starts with --dynamic and answers generated data that still follows the contract", async () => {
    const mock = await startMockScript(["--dynamic"]);
    expect(mock.output()).toContain("(dynamic)");

    const { altostrat, alloy } = await requestBoth(mock.urls);
    expect(altostrat.status).toBe(202);
    expect(((await altostrat.json()) as { new_run: { id: string } }).new_run.id).toMatch(/^fl_run_[0-9a-z]{26}$/);
    expect(alloy.status).toBe(200);
    expect(((await alloy.json()) as { executionId: string }).executionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}$/);

    mock.child.kill("SIGTERM");
    expect(await mock.exited).toBe(0);
  });
});
