import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/**
 * Before serving: regenerate generated/ when the specs changed (the server validates against the
 * bundles) and render the references served at /docs when they are missing.
 */
export function preparePipelineOutputs(root: string, log: (line: string) => void): void {
  const check = runScript(root, "check-generated.mjs");
  if (check.status !== 0) {
    log("generated/ is stale: running npm run generate");
    const generate = runScript(root, "generate.mjs");
    if (generate.status !== 0) throw new Error(`npm run generate failed:\n${generate.output}`);
  }
  const docsMissing = ["altostrat", "alloy"].some((api) => !existsSync(path.join(root, "dist/docs", api, "index.html")));
  if (docsMissing) {
    log("rendering the API references into dist/docs");
    const docs = runScript(root, "docs.mjs");
    if (docs.status !== 0) log(`could not render the references (served /docs will answer 404):\n${docs.output}`);
  }
}

function runScript(root: string, script: string): { status: number; output: string } {
  const result = spawnSync(process.execPath, [path.join(root, "scripts", script)], { cwd: root, encoding: "utf8" });
  return { status: result.status ?? 1, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}
