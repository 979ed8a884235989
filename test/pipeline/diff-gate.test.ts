import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { REPO_ROOT, runScript } from "../support/run-script.ts";

const BASELINE = "openapi/altostrat/baseline/workflows.yaml";
const FIXTURES = "test/pipeline/fixtures/diff";
const fixture = (name: string) => `${FIXTURES}/${name}`;

const lastLine = (output: string) => output.trimEnd().split("\n").at(-1);

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
    expect(result.output).toMatch(/breaking, not approved: property-removed at .*new_run/);
    expect(lastLine(result.output)).toBe("diff:api: FAILED (without-new-run.yaml: 1 unapproved breaking change)");
    expect(result.code).toBe(1);
  });

  it("passes both living specs against their vendor baselines, one summary line each", async () => {
    const result = await runScript(REPO_ROOT, "diff-api.mjs");
    expect(result.output, result.output).toMatch(/^diff:api: altostrat: 0 breaking, \d+ approved, \d+ non-breaking/m);
    expect(result.output).toMatch(/^diff:api: alloy: 0 breaking, \d+ approved, \d+ non-breaking/m);
    expect(lastLine(result.output)).toMatch(/^diff:api: passed/);
    expect(result.output).not.toContain("Diff passed");
    expect(result.output.trimEnd().split("\n").length).toBeLessThan(20);
    expect(result.code).toBe(0);
  });

  describe("approvals (openapi/<api>/approved-changes.yaml)", () => {
    const cancelled = ["--base", fixture("base.yaml"), "--revision", fixture("cancelled.yaml")];

    it("fails an unapproved breaking change with one line naming API, rule and location, and a ready entry", async () => {
      const result = await runScript(REPO_ROOT, "diff-api.mjs", cancelled);
      expect(result.code).toBe(1);
      expect(result.output).toContain("diff:api: cancelled.yaml: 1 breaking, 0 approved, 0 non-breaking");
      expect(result.output).toContain(
        "diff:api: cancelled.yaml: breaking, not approved: enum-values-added at #/components/schemas/Run/properties/status/enum " +
          "(GET /workflows/runs/{runId} responses/200/content/application/json/schema/properties/status): " +
          "Enum of `status` gained values: 'cancelled'.",
      );
      expect(result.output).toContain(`at: "#/components/schemas/Run/properties/status/enum"`);
      expect(lastLine(result.output)).toBe("diff:api: FAILED (cancelled.yaml: 1 unapproved breaking change)");
    });

    it("passes the same change once it is approved, and says so", async () => {
      const result = await runScript(REPO_ROOT, "diff-api.mjs", [...cancelled, "--approvals", fixture("approved-cancelled.yaml")]);
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain("diff:api: cancelled.yaml: 0 breaking, 1 approved, 0 non-breaking");
      expect(result.output).toMatch(
        /^diff:api: cancelled\.yaml: breaking, approved 2026-05-04: enum-values-added at #\/components\/schemas\/Run\/properties\/status\/enum .*Reason: Runs can now be cancelled/m,
      );
      expect(lastLine(result.output)).toBe("diff:api: passed (cancelled.yaml: 1 approved breaking change)");
    });

    it("accepts the place as the diff reports it (operation and path), without the message", async () => {
      const result = await runScript(REPO_ROOT, "diff-api.mjs", [...cancelled, "--approvals", fixture("approved-by-operation.yaml")]);
      expect(result.code, result.output).toBe(0);
      expect(lastLine(result.output)).toBe("diff:api: passed (cancelled.yaml: 1 approved breaking change)");
    });

    it("fails a stale approval that matches no change", async () => {
      const args = ["--base", fixture("base.yaml"), "--revision", fixture("base.yaml"), "--approvals", fixture("approved-cancelled.yaml")];
      const result = await runScript(REPO_ROOT, "diff-api.mjs", args);
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        `diff:api: base.yaml: stale approval: enum-values-added at #/components/schemas/Run/properties/status/enum (${fixture("approved-cancelled.yaml")} entry 1) matches no breaking change; remove the entry`,
      );
      expect(lastLine(result.output)).toBe("diff:api: FAILED (base.yaml: 1 stale approval)");
    });

    it("does not let an approval of one change cover another at the same place", async () => {
      const result = await runScript(REPO_ROOT, "diff-api.mjs", [...cancelled, "--approvals", fixture("approved-paused.yaml")]);
      expect(result.code).toBe(1);
      expect(result.output).toContain(`but for the change "Enum of \`status\` gained values: 'paused'."`);
      expect(lastLine(result.output)).toBe("diff:api: FAILED (cancelled.yaml: 1 unapproved breaking change, 1 stale approval)");
    });

    it("fails on an approvals file it cannot use, naming each problem", async () => {
      const result = await runScript(REPO_ROOT, "diff-api.mjs", [...cancelled, "--approvals", fixture("approved-invalid.yaml")]);
      expect(result.code).toBe(1);
      expect(result.output).toContain("entry 1 has unknown key(s) reasons");
      expect(result.output).toContain("entry 1 needs a non-empty `reason`");
      expect(result.output).toContain("entry 1 needs `date` as YYYY-MM-DD");
      expect(lastLine(result.output)).toMatch(/^diff:api: FAILED \(cancelled\.yaml: 3 problems in .*approved-invalid\.yaml, 1 unapproved breaking change\)$/);
    });

    it("lists every change with --verbose", async () => {
      const result = await runScript(REPO_ROOT, "diff-api.mjs", [...cancelled, "--verbose"]);
      expect(result.output).toMatch(/^ {2}major {2}modified {2}GET \/workflows\/runs\/\{runId\} .*properties\/status · enum \[enum-values-added: /m);
    });
  });

  describe("both APIs of a project", () => {
    let copy: string;
    const WORKFLOW_RUN_STATUS = "#/components/schemas/WorkflowRun/properties/status/enum";

    beforeAll(async () => {
      copy = await mkdtemp(path.join(os.tmpdir(), "reprise-diff-project-"));
      for (const entry of ["openapi", "scripts", "redocly.yaml"]) {
        await cp(path.join(REPO_ROOT, entry), path.join(copy, entry), { recursive: true });
      }
      await symlink(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
      // The deliberate breaking change of the issue: runs gain a `cancelled` status.
      const spec = path.join(copy, "openapi/altostrat/workflows.yaml");
      const doc = YAML.parse(await readFile(spec, "utf8"));
      doc.components.schemas.WorkflowRun.properties.status.enum.push("cancelled");
      await writeFile(spec, YAML.stringify(doc));
      await writeFile(path.join(copy, "openapi/altostrat/approved-changes.yaml"), "[]\n");
    });
    afterAll(async () => {
      await rm(copy, { recursive: true, force: true });
    });

    it("ends with the failure even when the other API, reported after it, passes", async () => {
      const result = await runScript(copy, "diff-api.mjs");
      expect(result.code).toBe(1);
      expect(result.output).toContain(`diff:api: altostrat: breaking, not approved: enum-values-added at ${WORKFLOW_RUN_STATUS}`);
      expect(result.output).toMatch(/^diff:api: alloy: 0 breaking/m);
      expect(lastLine(result.output)).toBe("diff:api: FAILED (altostrat: 1 unapproved breaking change)");
    });

    it("passes once the change is in the API's approvals file", async () => {
      const approvals = [
        { rule: "enum-values-added", at: WORKFLOW_RUN_STATUS, reason: "Runs can be cancelled.", date: "2026-05-04" },
      ];
      await writeFile(path.join(copy, "openapi/altostrat/approved-changes.yaml"), YAML.stringify(approvals));
      const result = await runScript(copy, "diff-api.mjs");
      expect(result.code, result.output).toBe(0);
      expect(lastLine(result.output)).toBe("diff:api: passed (altostrat: 1 approved breaking change)");
    });
  });
});
