import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// Where `reprise contract` starts loading, and data files it reads by a path built at run time.
const ENTRIES = ["scripts/lib/contract-command.mjs", "test/contract/contract.test.ts"];
const BUILT_PATHS = ["generated/altostrat/openapi.yaml", "generated/alloy/openapi.yaml"];

/**
 * Every file reachable from the entries through relative static imports (type-only imports are
 * erased, so they need not ship) and through literal `scripts/…`, `openapi/…` paths in the code.
 */
function listLoadedFiles(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(path.join(ROOT, file), "utf8");
    for (const [, spec] of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"(\.\.?\/[^"]+)"/gms)) visit(path.posix.join(path.posix.dirname(file), spec!));
    for (const [, literal] of text.matchAll(/"((?:scripts|openapi)\/[\w/.-]+\.(?:mjs|yaml))"/g)) {
      if (literal!.endsWith(".mjs")) visit(literal!);
      else seen.add(literal!);
    }
  };
  for (const entry of ENTRIES) visit(entry);
  return [...seen, ...BUILT_PATHS].sort();
}

describe("the reprise package", () => {
  it("ships every file reprise contract loads, and nothing of the test tree it does not", async () => {
    const loaded = listLoadedFiles();
    expect(loaded.filter((file) => !existsSync(path.join(ROOT, file)))).toEqual([]);
    expect(loaded).toEqual(expect.arrayContaining(["scripts/lib/prism.mjs", "openapi/arazzo/alloy-rerun.arazzo.yaml", "test/contract/support/targets.ts"]));
    const { stdout } = await promisify(execFile)("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    const packed = new Set((JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
    expect(loaded.filter((file) => !packed.has(file))).toEqual([]);
    // The in-process server target is loaded only inside the repository.
    const testFiles = [...packed].filter((file) => file.startsWith("test/"));
    expect(testFiles.filter((file) => !loaded.includes(file))).toEqual([]);
  }, 60_000);
});
