// Builds the installable client from the repository's src/client: JavaScript and declarations by tsc
// (tsconfig.client.json), the generated schema types they import, and relative import paths that end
// in .js (tsc rewrites them in JavaScript but not in declarations). `npm pack` runs it (prepack).
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(PACKAGE_DIR, "..", "..");
const DIST = path.join(PACKAGE_DIR, "dist");
const APIS = ["altostrat", "alloy"];
// `from "./x.ts"`, `from "../../generated/y/schema.d.ts"`, `import("./x.ts")`: relative specifiers only.
const RELATIVE_TS = /((?:from\s+|import\s*\(\s*)["'])(\.{1,2}\/[^"']+?)(?:\.d)?\.ts(["'])/g;

rmSync(DIST, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [path.join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", path.join(REPO_ROOT, "tsconfig.client.json")], { stdio: "inherit" });
if (tsc.status !== 0) fail(`tsc -p tsconfig.client.json exited with ${tsc.status ?? tsc.signal}`);

for (const api of APIS) {
  cpSync(path.join(REPO_ROOT, "generated", api, "schema.d.ts"), path.join(DIST, "generated", api, "schema.d.ts"));
}

const files = listFiles(DIST);
for (const file of files.filter((f) => f.endsWith(".d.ts"))) {
  writeFileSync(file, readFileSync(file, "utf8").replace(RELATIVE_TS, "$1$2.js$3"));
}
const leftovers = files.filter((f) => /\.(js|d\.ts)$/.test(f) && new RegExp(RELATIVE_TS.source).test(readFileSync(f, "utf8")));
if (leftovers.length > 0) fail(`.ts import paths left in ${leftovers.join(", ")}`);
console.log(`client built into ${path.relative(REPO_ROOT, DIST)} (${files.length} files)`);

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

function fail(message) {
  console.error(`build-client: ${message}`);
  process.exit(1);
}
