import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { REPO_ROOT, runScript } from "../support/run-script.ts";

const exec = promisify(execFile);
const FIXTURES = "test/pipeline/fixtures";

/** The bullet lines under `#### <heading>` of a changelog section (up to the next heading). */
function group(markdown: string, heading: string, from = 0): string[] {
  const start = markdown.indexOf(`#### ${heading}\n`, from);
  if (start < 0) throw new Error(`no heading ${heading} in:\n${markdown}`);
  const body = markdown.slice(start).split("\n").slice(1);
  const end = body.findIndex((line) => line.startsWith("#"));
  return (end < 0 ? body : body.slice(0, end)).filter((line) => line.startsWith("- ")).map((line) => line.slice(2));
}

describe("API changelog (npm run changelog)", () => {
  describe("two fixture specs", () => {
    let result: { code: number; output: string };
    beforeAll(async () => {
      result = await runScript(REPO_ROOT, "changelog.mjs", [
        "--base",
        `${FIXTURES}/changelog/before.yaml`,
        "--revision",
        `${FIXTURES}/changelog/after.yaml`,
        "--name",
        "fixture",
        "--approvals",
        `${FIXTURES}/diff/approved-cancelled.yaml`,
      ]);
    });

    it("counts the changes of each group", () => {
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain(
        "`test/pipeline/fixtures/changelog/before.yaml` → `test/pipeline/fixtures/changelog/after.yaml`: 2 breaking, 4 non-breaking, 1 documentation.",
      );
    });

    it("says what breaks, with the approval's date and reason", () => {
      expect(group(result.output, "Breaking")).toEqual([
        "Response 202 of `POST /workflows/runs/{runId}/rerun` no longer has field `new_run.duration_in_seconds` (schema `Run`, shared with `GET /workflows/runs/{runId}`)",
        "Enum `new_run.status` in response 202 of `POST /workflows/runs/{runId}/rerun` gains value `cancelled` (schema `Run`, shared with `GET /workflows/runs/{runId}`). " +
          "Approved 2026-05-04: Runs can now be cancelled; clients were told to treat unknown statuses as unfinished.",
      ]);
    });

    it("says what was added", () => {
      expect(group(result.output, "Non-breaking")).toEqual([
        "`POST /workflows/runs/{runId}/rerun` accepts new optional query parameter `dry_run`",
        "Response 202 of `POST /workflows/runs/{runId}/rerun` gains optional field `new_run.rerun_of` (schema `Run`, shared with `GET /workflows/runs/{runId}`)",
        "New response 409 for `POST /workflows/runs/{runId}/rerun`: The run has not finished yet.",
        "New operation `POST /workflows/validate`: Validate a workflow definition",
      ]);
    });

    it("keeps description-only changes apart", () => {
      expect(group(result.output, "Documentation")).toEqual(["Description of `POST /workflows/runs/{runId}/rerun` changed"]);
    });

    it("names every operation a shared definition reaches", () => {
      expect(group(result.output, "Shared definitions")).toEqual(["Schema `Run`: `GET /workflows/runs/{runId}` and `POST /workflows/runs/{runId}/rerun`"]);
    });
  });

  it("pairs parameters by name, so reworded parameters are not reported as removed or renamed", async () => {
    const result = await runScript(REPO_ROOT, "changelog.mjs", [
      "--base",
      `${FIXTURES}/changelog/params-before.yaml`,
      "--revision",
      `${FIXTURES}/changelog/params-after.yaml`,
    ]);
    expect(result.code, result.output).toBe(0);
    expect(group(result.output, "Breaking")).toEqual(["`GET /logs` no longer takes query parameter `cursor`"]);
    expect(group(result.output, "Non-breaking")).toEqual(["`GET /logs` accepts new optional query parameter `page_token`"]);
    expect(group(result.output, "Documentation")).toEqual([
      "Description of query parameter `from` of `GET /logs` changed",
      "Description of query parameter `to` of `GET /logs` changed",
    ]);
  });

  describe("a project under git", () => {
    let copy: string;
    const git = (...args: string[]) =>
      exec("git", ["-c", "user.name=Reprise test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd: copy });

    beforeAll(async () => {
      copy = await mkdtemp(path.join(os.tmpdir(), "reprise-changelog-"));
      for (const entry of ["openapi", "scripts", "redocly.yaml"]) {
        await cp(path.join(REPO_ROOT, entry), path.join(copy, entry), { recursive: true });
      }
      await symlink(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
      await git("init", "--quiet");
      await git("add", "openapi", "redocly.yaml");
      await git("commit", "--quiet", "-m", "specs");

      // After the commit: a new operation, a new optional field and a new status, approved.
      const spec = path.join(copy, "openapi/altostrat/workflows.yaml");
      const doc = YAML.parse(await readFile(spec, "utf8"));
      doc.components.schemas.WorkflowRun.properties.status.enum.push("cancelled");
      doc.components.schemas.WorkflowRun.properties.cancelled_at = { type: "string", format: "date-time", nullable: true };
      doc.paths["/workflows/{workflowId}/archive"] = {
        post: {
          operationId: "archiveWorkflow",
          summary: "Archive a workflow",
          tags: doc.paths["/workflows"].post.tags,
          responses: { "204": { description: "The definition is valid." } },
        },
      };
      await writeFile(spec, YAML.stringify(doc));
      const approvals = [
        { rule: "enum-values-added", at: "#/components/schemas/WorkflowRun/properties/status/enum", reason: "Runs can be cancelled.", date: "2026-05-04" },
      ];
      await writeFile(path.join(copy, "openapi/altostrat/approved-changes.yaml"), YAML.stringify(approvals));
    });
    afterAll(async () => {
      await rm(copy, { recursive: true, force: true });
    });

    it("writes CHANGELOG-API.md with the changes since a git ref, and --check agrees with it", { timeout: 180_000 }, async () => {
      const written = await runScript(copy, "changelog.mjs", ["--from", "HEAD"]);
      expect(written.code, written.output).toBe(0);
      expect(written.output).toContain("changelog: wrote CHANGELOG-API.md");
      const markdown = await readFile(path.join(copy, "CHANGELOG-API.md"), "utf8");

      const altostrat = markdown.indexOf("## altostrat");
      const since = markdown.indexOf("### Since `HEAD`", altostrat);
      const alloy = markdown.indexOf("## alloy");
      expect(altostrat).toBeGreaterThan(0);
      expect(since).toBeGreaterThan(altostrat);
      expect(alloy).toBeGreaterThan(since);
      expect(markdown.slice(since, alloy)).toContain("`HEAD:openapi/altostrat/workflows.yaml` → `openapi/altostrat/workflows.yaml`: 1 breaking, 2 non-breaking, 0 documentation.");
      const breaking = group(markdown, "Breaking", since);
      expect(breaking).toHaveLength(1);
      expect(breaking[0]).toMatch(/^Enum `status` in response 202 of `POST \/workflows\/\{workflowId\}\/execute` gains value `cancelled` \(schema `WorkflowRun`, shared with \d+ other operations\)\. Approved 2026-05-04: Runs can be cancelled\.$/);
      const added = group(markdown, "Non-breaking", since);
      expect(added).toContain("New operation `POST /workflows/{workflowId}/archive`: Archive a workflow");
      expect(added.some((line) => /gains optional field `cancelled_at`/.test(line))).toBe(true);
      // Nothing changed in Alloy since HEAD.
      expect(markdown.slice(markdown.indexOf("### Since `HEAD`", alloy))).toContain(": 0 breaking, 0 non-breaking, 0 documentation.");

      const check = await runScript(copy, "changelog.mjs", ["--from", "HEAD", "--check"]);
      expect(check.code, check.output).toBe(0);
      const alloySpec = path.join(copy, "openapi/alloy/embedded.yaml");
      const alloyText = await readFile(alloySpec, "utf8");
      await writeFile(alloySpec, alloyText.replace(/^(\s+summary: )(.*)$/m, "$1$2 (reworded)"));
      const stale = await runScript(copy, "changelog.mjs", ["--from", "HEAD", "--check"]);
      expect(stale.code).toBe(1);
      expect(stale.output).toContain("changelog: CHANGELOG-API.md is not up to date");
    });

    it("refuses a ref that names no commit", { timeout: 60_000 }, async () => {
      const result = await runScript(copy, "changelog.mjs", ["--from", "no-such-ref", "--output", "-"]);
      expect(result.code).toBe(2);
      expect(result.output).toContain("changelog: --from no-such-ref is not a commit of this repository");
    });
  });
});
