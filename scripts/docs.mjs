#!/usr/bin/env node
// npm run docs: render each API's reference with `redocly build-docs` into dist/docs/<api>/index.html,
// the folder each server listener serves at /docs.
import path from "node:path";
import { listApis, runRedocly } from "./lib/pipeline.mjs";

const root = process.cwd();
const outRoot = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, "dist", "docs");
for (const api of await listApis(root)) {
  const out = path.join(outRoot, api.name, "index.html");
  const spec = path.join("generated", api.name, "openapi.yaml");
  const result = await runRedocly(["build-docs", spec, "-o", out, "--lint-config=off"], { cwd: root, echo: false });
  if (result.code !== 0) {
    console.error(result.output);
    process.exit(1);
  }
  console.log(`docs: ${api.name} -> ${path.relative(root, out)}`);
}
