#!/usr/bin/env node
// npm run diff:api: the breaking-change gate. Every living spec must stay compatible with its vendor baseline.
// Usage: node scripts/diff-api.mjs [--base FILE --revision FILE]   (explicit pair, used by tests)
import path from "node:path";
import { parseArgs } from "node:util";
import { listApis, runRedocly } from "./lib/pipeline.mjs";

const root = process.cwd();
const { values } = parseArgs({ options: { base: { type: "string" }, revision: { type: "string" } } });
const pairs = values.base && values.revision
  ? [{ name: path.basename(values.revision), baseline: values.base, root: values.revision }]
  : await listApis(root);

let failed = 0;
for (const api of pairs) {
  const rel = (file) => path.relative(root, path.resolve(root, file));
  console.log(`diff:api: ${api.name}: ${rel(api.baseline)} -> ${rel(api.root)}`);
  const result = await runRedocly(["diff", rel(api.baseline), rel(api.root), "--fail-on", "major", "--lint-config=off"], { cwd: root });
  if (result.code !== 0) {
    failed += 1;
    console.error(`diff:api: ${api.name} breaks its published contract (major changes above).`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
