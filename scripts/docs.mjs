#!/usr/bin/env node
// npm run docs [-- <dir>]: render each API's reference with `redocly build-docs` into <dir>/<api>/index.html
// (default dist/docs, the folder each server listener serves at /docs).
import path from "node:path";
import { listApis, runRedocly } from "./lib/pipeline.mjs";

const root = process.cwd();
const outRoot = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, "dist", "docs");
const apis = await listApis(root);
// One Redocly run per API, side by side: each is mostly CLI start-up.
const results = await Promise.all(
  apis.map(async (api) => {
    const out = path.join(outRoot, api.name, "index.html");
    const spec = path.join("generated", api.name, "openapi.yaml");
    return { api, out, ...(await runRedocly(["build-docs", spec, "-o", out, "--lint-config=off"], { cwd: root, echo: false })) };
  }),
);
for (const { api, out, code, output } of results) {
  if (code !== 0) {
    console.error(output);
    process.exitCode = 1;
    continue;
  }
  const shown = path.relative(root, out).startsWith("..") ? out : path.relative(root, out);
  console.log(`docs: ${api.name} -> ${shown}`);
}
