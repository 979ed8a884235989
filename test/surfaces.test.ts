import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createEngine, createInThreadSandbox } from "../src/core/index.ts";
import type { Db } from "../src/store/index.ts";

// The house's surfaces, checked on the source text: SQL lives in src/store, a folder is entered
// through its index.ts, an index names what it exports, and the engine is the only door to the store.
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../src");

/** Every TypeScript source under src, as paths relative to src (tests beside code excluded). */
function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.endsWith(".d.ts"))
    .map((file) => file.split(path.sep).join("/"));
}

const read = (file: string) => readFileSync(path.join(SRC, file), "utf8");
// Comments may quote SQL (`SELECT 1`); a line comment starts a line or follows a space (not `https://`).
const code = (file: string) => read(file).replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1");
// A statement at the start of a string or template literal (only SQL starts a literal this way).
const SQL_LITERAL = /[`"']\s*(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|WITH\s+\w+\s+AS|CREATE|ALTER|DROP|TRUNCATE|LISTEN|NOTIFY)\b/;
// Core may open a transaction on the Db port; statements are the store's.
const DB_QUERY = /\.query\s*[<(]/;
const IMPORT_FROM = /^\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"/gm;

describe("source surfaces", () => {
  it("finds the sources it checks", () => {
    const files = sourceFiles();
    expect(files).toContain("store/index.ts");
    expect(files.filter((file) => DB_QUERY.test(code(file)) && SQL_LITERAL.test(code(file))).length).toBeGreaterThan(5);
  });

  it("keeps SQL statements and queries on the Db port inside src/store", () => {
    const outside = sourceFiles().filter((file) => !file.startsWith("store/"));
    const offenders = outside.filter((file) => SQL_LITERAL.test(code(file)) || DB_QUERY.test(code(file)));
    expect(offenders).toEqual([]);
  });

  it("enters another folder of src only through its index.ts", () => {
    const files = sourceFiles();
    const indexed = new Set(files.filter((file) => /^[^/]+\/index\.ts$/.test(file)).map((file) => file.split("/")[0]));
    const crossings: string[] = [];
    for (const file of files) {
      for (const [, specifier] of read(file).matchAll(IMPORT_FROM)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier!));
        const [folder] = target.split("/");
        const own = file.split("/")[0];
        if (folder !== own && indexed.has(folder) && target !== `${folder}/index.ts`) crossings.push(`${file} → ${target}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it("names every re-export of an index.ts (no export *)", () => {
    const wildcard = sourceFiles().filter((file) => file.endsWith("index.ts") && /^\s*export\s+(type\s+)?\*/m.test(read(file)));
    expect(wildcard).toEqual([]);
  });
});

describe("the engine as the only door to the store", () => {
  const engine = createEngine({ db: {} as Db, sandbox: createInThreadSandbox() });

  it("has verbs only, and no public dependencies", () => {
    expect(Object.keys(engine)).not.toContain("deps");
    expect(Object.entries(engine).filter(([, value]) => typeof value !== "function")).toEqual([]);
  });

  it("is the only way to a verb: core's index exports no function named like one of the engine's", async () => {
    const core: Record<string, unknown> = await import("../src/core/index.ts");
    const verbs = Object.keys(engine);
    expect(verbs).toContain("rerunRun");
    expect(Object.keys(core).filter((name) => verbs.includes(name))).toEqual([]);
  });
});
