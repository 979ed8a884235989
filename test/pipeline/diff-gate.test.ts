import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { REPO_ROOT, runScript } from "./run-script.ts";

const BASELINE = "openapi/altostrat/baseline/workflows.yaml";

describe("breaking-change gate (npm run diff:api)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "reprise-diff-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("fails on a revision that removes new_run from the rerun answer", async () => {
    const doc = YAML.parse(await readFile(path.join(REPO_ROOT, BASELINE), "utf8"));
    const answer = doc.paths["/workflows/runs/{runId}/rerun"].post.responses["202"].content["application/json"].schema;
    delete answer.properties.new_run;
    const revision = path.join(dir, "without-new-run.yaml");
    await writeFile(revision, YAML.stringify(doc));

    const result = await runScript(REPO_ROOT, "diff-api.mjs", ["--base", BASELINE, "--revision", revision]);
    expect(result.output).toMatch(/new_run/);
    expect(result.code).not.toBe(0);
  });

  it("passes both living specs against their vendor baselines", async () => {
    const result = await runScript(REPO_ROOT, "diff-api.mjs");
    expect(result.output).toContain("altostrat");
    expect(result.output).toContain("alloy");
    expect(result.code).toBe(0);
  });
});
