// The client as another project gets it: `npm pack` of packages/client into a temporary directory,
// `npm init -y` and `npm install <tarball>` there, then a TypeScript consumer type-checked with this
// repository's tsc (moduleResolution nodenext against the installed package) and a plain .mjs
// consumer run with Node against the Prism mock of Altostrat.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/run-script.ts";
import { startPrismFor } from "../support/prism.ts";
import { CLIENT_PACKAGE_NAME, installPackedClient, packClient, runCommand, type PackedClient } from "./support/packed-client.ts";

const RUN_ID = "fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4";

// Lines marked @ts-expect-error fail the check if the package's types were missing or `any`.
const CONSUMER_TS = `import { createAltostratClient, createAlloyClient, isProblem, requestIdMiddleware, withRetry, type AltostratClient } from "${CLIENT_PACKAGE_NAME}";

const client: AltostratClient = createAltostratClient({ baseUrl: "http://127.0.0.1:4011", token: "t", fetch: withRetry({ attempts: 2 }) });
client.use(requestIdMiddleware());
const res = await client.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId: "${RUN_ID}" } } });
if (isProblem(res, 404)) {
  const code: string = res.error.code;
  const type: "invalid_request_error" | "authentication_error" | "not_found_error" | "conflict_error" | "api_error" = res.error.type;
  console.log(code, type);
} else if (res.data) {
  const status: "pending" | "running" | "completed" | "failed" | "awaiting_ui_interaction" | undefined = res.data.new_run?.status;
  console.log(status);
}
// @ts-expect-error: not a path of the API
await client.GET("/no/such/path");
// @ts-expect-error: the path parameter is required
await client.POST("/workflows/runs/{runId}/rerun", {});
// @ts-expect-error: Alloy needs an API key
createAlloyClient({ baseUrl: "http://127.0.0.1:4012" });
`;

const WRONG_TS = `import { createAltostratClient } from "${CLIENT_PACKAGE_NAME}";
const n: number = (await createAltostratClient({ baseUrl: "" }).GET("/workflows/runs/{runId}", { params: { path: { runId: "x" } } })).data?.id;
console.log(n);
`;

// skipLibCheck as most projects set it (checking every declaration file takes four times as long); the
// consumers' own code still needs the package's types to resolve, and misuse to fail.
const TSCONFIG = {
  compilerOptions: { target: "ES2022", module: "nodenext", moduleResolution: "nodenext", lib: ["ES2022", "DOM"], types: [], strict: true, noEmit: true, skipLibCheck: true },
  files: ["consumer.mts", "wrong.mts"],
};

// The plain ESM consumer: prints what it got from the mock as one JSON line.
const CONSUMER_MJS = `import { createAltostratClient, isProblem, readProblem, requestIdMiddleware, withRetry } from "${CLIENT_PACKAGE_NAME}";

const client = createAltostratClient({ baseUrl: process.argv[2], token: "any-token", fetch: withRetry() });
client.use(requestIdMiddleware({ generate: () => "req_from_consumer" }));
const params = { path: { runId: "${RUN_ID}" } };
const rerun = await client.POST("/workflows/runs/{runId}/rerun", { params, headers: { Prefer: "code=202" } });
const missing = await client.POST("/workflows/runs/{runId}/rerun", { params, headers: { Prefer: "code=404" } });
console.log(JSON.stringify({
  rerun: { status: rerun.response.status, original: rerun.data?.original_run_id, newRunStatus: rerun.data?.new_run?.status },
  missing: { is404: isProblem(missing, 404), is409: isProblem(missing, 409), problem: readProblem(missing) },
}));
`;

describe("the packed client in a fresh project", () => {
  let dir: string;
  let project: string;
  let mock: Awaited<ReturnType<typeof startPrismFor>> | undefined;
  let packed: PackedClient;
  let installed: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "reprise-client-consumer-"));
    project = path.join(dir, "consumer");
    const [mockStarted, ready] = await Promise.allSettled([
      startPrismFor("altostrat"),
      (async () => {
        packed = await packClient(dir);
        await mkdir(project);
        installed = await installPackedClient(project, packed.tarball);
      })(),
    ]);
    if (mockStarted.status === "fulfilled") mock = mockStarted.value;
    for (const result of [mockStarted, ready]) if (result.status === "rejected") throw result.reason;
  }, 240_000);
  afterAll(async () => {
    await mock?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("packs JavaScript, declarations and the schema types only, and installs with openapi-fetch as its one dependency", async () => {
    expect(packed.files).toContain("dist/src/client/index.js");
    expect(packed.files).toContain("dist/src/client/index.d.ts");
    expect(packed.files).toContain("dist/generated/altostrat/schema.d.ts");
    expect(packed.files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(installed).toEqual(["@reprise/client", "openapi-fetch", "openapi-typescript-helpers"]);

    // No import path in the installed package ends in .ts.
    const dist = path.join(project, "node_modules", CLIENT_PACKAGE_NAME, "dist");
    const files = (await readdir(dist, { recursive: true })).filter((f) => /\.(js|ts)$/.test(f));
    for (const file of files) {
      const text = await readFile(path.join(dist, file), "utf8");
      expect(text, file).not.toMatch(/(from\s+|import\s*\()["']\.{1,2}\/[^"']*\.ts["']/);
    }
  });

  it("type-checks a TypeScript consumer with moduleResolution nodenext, and refuses a wrong one", async () => {
    await writeFile(path.join(project, "consumer.mts"), CONSUMER_TS);
    // A second consumer that misuses a type, so the check is shown not to pass vacuously.
    await writeFile(path.join(project, "wrong.mts"), WRONG_TS);
    await writeFile(path.join(project, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
    const tsc = await runCommand(process.execPath, [path.join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: project, timeoutMs: 90_000 });
    const errors = tsc.stdout.split("\n").filter((line) => /error TS/.test(line));
    expect(errors).toEqual([expect.stringMatching(/^wrong\.mts\(2,7\): error TS2322: Type 'string( \| undefined)?' is not assignable to type 'number'/)]);
    expect(tsc.code).not.toBe(0);
  }, 120_000);

  it("runs a plain ESM consumer with Node against the mock", async () => {
    await writeFile(path.join(project, "consumer.mjs"), CONSUMER_MJS);
    const run = await runCommand(process.execPath, ["consumer.mjs", mock!.url], { cwd: project, timeoutMs: 30_000 });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      rerun: { status: 202, original: RUN_ID, newRunStatus: "pending" },
      missing: {
        is404: true,
        is409: false,
        problem: { status: 404, body: expect.objectContaining({ type: "not_found_error", code: "run_not_found" }), requestId: null },
      },
    });
  }, 60_000);
});
