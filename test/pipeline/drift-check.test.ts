import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runScript } from "../support/run-script.ts";

describe("drift check (npm run check:generated)", () => {
  let copy: string;

  beforeAll(async () => {
    copy = await mkdtemp(path.join(os.tmpdir(), "reprise-drift-"));
    // src/ too: the run console in generated/console is built from src/console and src/client.
    for (const entry of ["openapi", "generated", "scripts", "src", "redocly.yaml"]) {
      await cp(path.join(REPO_ROOT, entry), path.join(copy, entry), { recursive: true });
    }
    await symlink(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
  });

  afterAll(async () => {
    await rm(copy, { recursive: true, force: true });
  });

  it("passes when generated/ matches the specs", async () => {
    const result = await runScript(copy, "check-generated.mjs");
    expect(result.output).toContain("up to date");
    expect(result.code).toBe(0);
  });

  it("fails naming each stale file when a spec changed without regenerating", async () => {
    const spec = path.join(copy, "openapi/altostrat/workflows.yaml");
    const text = await readFile(spec, "utf8");
    const changed = text.replace("summary: Re-run a workflow", "summary: Re-run a workflow run again");
    expect(changed).not.toBe(text);
    await writeFile(spec, changed);

    const result = await runScript(copy, "check-generated.mjs");
    expect(result.code).toBe(1);
    expect(result.output).toContain("generated/altostrat/openapi.yaml (stale)");
    expect(result.output).toContain("generated/altostrat/schema.d.ts (stale)");
    expect(result.output).not.toContain("generated/alloy/");
  });

  it("fails naming the run console when its source changed without rebuilding", async () => {
    const view = path.join(copy, "src/console/view.ts");
    const text = await readFile(view, "utf8");
    const changed = text.replace("This workflow has no runs yet.", "No runs yet.");
    expect(changed).not.toBe(text);
    await writeFile(view, changed);

    const result = await runScript(copy, "check-generated.mjs");
    expect(result.code).toBe(1);
    expect(result.output).toContain("generated/console/console.js (stale)");
    expect(result.output).not.toContain("generated/console/index.html");
  });
});
