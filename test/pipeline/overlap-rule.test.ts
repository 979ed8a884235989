import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findOverlaps } from "../../openapi/plugins/path-overlap.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const REDOCLY_BIN = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");

/** A path item with one GET whose path parameters have the given patterns (null: no pattern). */
function givenPathItem(params: Record<string, string | null>, method = "get"): Record<string, unknown> {
  const parameters = Object.entries(params).map(([name, pattern]) => ({
    name,
    in: "path",
    required: true,
    schema: pattern === null ? { type: "string" } : { type: "string", pattern },
  }));
  return { [method]: { parameters, responses: {} } };
}

/** Runs the Redocly CLI from the repository root; resolves with its exit code, stdout and all output. */
function runRedocly(args: string[]): Promise<{ code: number; stdout: string; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [REDOCLY_BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, output }));
  });
}

type LintReport = { totals: { errors: number; warnings: number; ignored: number }; problems: unknown[] };

/** `redocly lint --format=json` prints one pretty-printed report per API, back to back. */
function parseLintReports(stdout: string): LintReport[] {
  return JSON.parse(`[${stdout.trim().replace(/^\}\s*\{/gm, "},{")}]`) as LintReport[];
}

describe("findOverlaps", () => {
  const cases: Array<{ name: string; given: { paths: Record<string, unknown>; document?: unknown }; want: string[][] }> = [
    {
      name: "a literal against an unpatterned parameter clashes, even with a different parameter count",
      given: {
        paths: {
          "/workflows/runs/{runId}": givenPathItem({ runId: null }),
          "/workflows/{workflowId}/logs": givenPathItem({ workflowId: null }),
        },
      },
      want: [["/workflows/runs/{runId}", "/workflows/{workflowId}/logs", "/workflows/runs/logs"]],
    },
    {
      name: "a pattern that excludes the other template's literal separates them",
      given: {
        paths: {
          "/workflows/runs/{runId}": givenPathItem({ runId: null }),
          "/workflows/{workflowId}/logs": givenPathItem({ workflowId: "^fl_wf_[0-9a-z]{26}$" }),
        },
      },
      want: [],
    },
    {
      name: "templates with different numbers of segments never clash",
      given: {
        paths: {
          "/workflows/{workflowId}": givenPathItem({ workflowId: null }),
          "/workflows/{workflowId}/logs": givenPathItem({ workflowId: null }),
        },
      },
      want: [],
    },
    {
      name: "two unpatterned parameters in the same place clash",
      given: {
        paths: {
          "/runs/{runId}/rerun": givenPathItem({ runId: null }),
          "/runs/{id}/rerun": givenPathItem({ id: null }),
        },
      },
      want: [["/runs/{runId}/rerun", "/runs/{id}/rerun", "/runs/runid/rerun"]],
    },
    {
      name: "parameters whose patterns start with different literal prefixes do not clash",
      given: {
        paths: {
          "/things/{runId}": givenPathItem({ runId: "^fl_run_[0-9a-z]{26}$" }),
          "/things/{workflowId}": givenPathItem({ workflowId: "^fl_wf_[0-9a-z]{26}$" }),
        },
      },
      want: [],
    },
    {
      name: "patterns that share a string clash, with that string as the witness",
      given: {
        paths: {
          "/things/{anyId}": givenPathItem({ anyId: "^fl_[a-z0-9_]+$" }),
          "/things/{workflowId}": givenPathItem({ workflowId: "^fl_wf_[0-9a-z]{4}$" }),
        },
      },
      want: [["/things/{anyId}", "/things/{workflowId}", "/things/fl_wf_0000"]],
    },
    {
      name: "patterns with no shared string found are not reported",
      given: {
        paths: {
          "/things/{number}": givenPathItem({ number: "^[0-9]+$" }),
          "/things/{word}": givenPathItem({ word: "^[a-z]+$" }),
        },
      },
      want: [],
    },
    {
      name: "a parameter behind a $ref, declared at path level, is resolved through the document",
      given: {
        document: {
          components: {
            parameters: {
              WorkflowId: { name: "workflowId", in: "path", required: true, schema: { $ref: "#/components/schemas/Id" } },
            },
            schemas: { Id: { type: "string", pattern: "^fl_wf_" } },
          },
        },
        paths: {
          "/workflows/runs": { get: { responses: {} } },
          "/workflows/{workflowId}": {
            parameters: [{ $ref: "#/components/parameters/WorkflowId" }],
            get: { responses: {} },
          },
        },
      },
      want: [],
    },
    {
      name: "a pattern on one operation does not protect the path when another operation has none",
      given: {
        paths: {
          "/workflows/runs": givenPathItem({}),
          "/workflows/{workflowId}": {
            ...givenPathItem({ workflowId: "^fl_wf_" }),
            ...givenPathItem({ workflowId: null }, "post"),
          },
        },
      },
      want: [["/workflows/runs", "/workflows/{workflowId}", "/workflows/runs"]],
    },
  ];

  it.each(cases)("$name", ({ given, want }) => {
    const got = findOverlaps(given.paths, { document: given.document }).map((o) => [o.a, o.b, o.url]);
    expect(got).toEqual(want);
  });

  it("names the clashing URL and, for each parameter, the literal its pattern must exclude", () => {
    const [overlap] = findOverlaps({
      "/workflows/runs/{runId}": givenPathItem({ runId: null }),
      "/workflows/{workflowId}/logs": givenPathItem({ workflowId: null }),
    });
    expect(overlap?.message).toBe(
      "Paths `/workflows/runs/{runId}` and `/workflows/{workflowId}/logs` both match `/workflows/runs/logs`; " +
        "to tell them apart, give `workflowId` a pattern that excludes `runs`, or give `runId` a pattern that excludes `logs`.",
    );
  });
});

describe("reprise/no-overlapping-paths in redocly lint", () => {
  it("fails the overlapping fixture with the clash message", async () => {
    const result = await runRedocly(["lint", "test/pipeline/fixtures/overlapping-paths.yaml", "--config", "redocly.yaml", "--format=stylish"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("reprise/no-overlapping-paths");
    expect(result.output).toContain("both match `/workflows/runs/logs`");
    expect(result.output).toContain("give `workflowId` a pattern that excludes `runs`");
  });

  it("reports no problem at all on both living specs", async () => {
    const result = await runRedocly(["lint", "--format=json"]);
    const reports = parseLintReports(result.stdout);
    expect(reports).toHaveLength(2);
    for (const report of reports) {
      expect(report.problems).toEqual([]);
      expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    }
    expect(result.code).toBe(0);
  });
});
