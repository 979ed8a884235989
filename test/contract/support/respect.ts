import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../support/run-script.ts";
import type { CoverageRecorder } from "./coverage.ts";
import type { ApiName } from "./spec-index.ts";

const REDOCLY_BIN = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");

/** One `redocly respect` run of an Arazzo file. */
export interface RespectRun {
  /** Arazzo file, relative to the repository root. */
  file: string;
  /** Source description name → base URL (`--server name=url`). */
  servers: Record<string, string>;
  inputs: Record<string, string>;
  /** Workflows to leave out (`--skip`). */
  skip?: string[];
  /** Records every request of every executed step and its answer (contract coverage), read from respect's JSON report. */
  coverage?: { recorder: CoverageRecorder; api: ApiName };
}

/** How a respect run ended: exit code, each workflow's status, and the console output for failures. */
export interface RespectResult {
  code: number;
  workflows: { workflowId: string; status: string; steps: number }[];
  requests: number;
  output: string;
}

/** Runs `redocly respect` as a child process (the CLI is not an API) and reads its JSON report. */
export async function runRespect(run: RespectRun): Promise<RespectResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "reprise-respect-"));
  const report = path.join(dir, "report.json");
  const args = [REDOCLY_BIN, "respect", run.file, "--input", JSON.stringify(run.inputs), "--json-output", report, "--max-fetch-timeout", "10000"];
  for (const [name, url] of Object.entries(run.servers)) args.push("--server", `${name}=${url}`);
  for (const workflow of run.skip ?? []) args.push("--skip", workflow);
  try {
    const { code, output } = await spawnNode(args);
    const json = JSON.parse(await readFile(report, "utf8").catch(() => "{}")) as RespectReport;
    const file = Object.values(json.files ?? {})[0];
    if (run.coverage) {
      const { recorder, api } = run.coverage;
      for (const workflow of file?.executedWorkflows ?? []) {
        for (const step of workflow.executedSteps ?? []) {
          if (!step.request?.url || !step.response?.statusCode) continue;
          const { method = "GET", url, headers = {} } = step.request;
          recorder.record({ api, method, url, headers, status: step.response.statusCode, body: step.response.body, by: `${workflow.workflowId} › ${step.stepId ?? "?"}` });
        }
      }
    }
    return {
      code,
      output,
      requests: file?.totalRequests ?? 0,
      workflows: (file?.executedWorkflows ?? []).map((w) => ({ workflowId: w.workflowId, status: w.status, steps: w.executedSteps?.length ?? 0 })),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type RespectStep = {
  stepId?: string;
  request?: { method?: string; url?: string; headers?: Record<string, string> };
  response?: { statusCode?: number; body?: unknown };
};

type RespectReport = {
  files?: Record<string, { totalRequests?: number; executedWorkflows?: { workflowId: string; status: string; executedSteps?: RespectStep[] }[] }>;
};

function spawnNode(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", REDOCLY_TELEMETRY: "off" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output: output.replace(/\n?\s*╔═+╗[\s\S]*?╚═+╝\n?/g, "\n") }));
  });
}

/** The Arazzo workflows that need state across calls, and so run only against a real server. */
export const STATEFUL_WORKFLOWS: Readonly<Record<"altostrat" | "alloy", string[]>> = {
  altostrat: ["rerun-loop", "wait-deliver-complete", "bulk-rerun-to-completion", "cancel-then-rerun"],
  alloy: ["rerun-loop", "wait-deliver-complete", "bulk-rerun-to-completion", "cancel-then-rerun"],
};

/** Arazzo file of each API. */
export const ARAZZO_FILES = { altostrat: "openapi/arazzo/altostrat-rerun.arazzo.yaml", alloy: "openapi/arazzo/alloy-rerun.arazzo.yaml" } as const;
