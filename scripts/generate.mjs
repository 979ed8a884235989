#!/usr/bin/env node
// npm run generate: lint both specs, bundle each to generated/<api>/openapi.yaml, emit generated/<api>/schema.d.ts.
import path from "node:path";
import { generateApi, listApis, runRedocly } from "./lib/pipeline.mjs";

const root = process.cwd();
const started = performance.now();
const lint = await runRedocly(["lint", "--format=stylish"], { cwd: root });
if (lint.code !== 0) {
  console.error("generate: lint failed; nothing was generated.");
  process.exit(1);
}
const apis = await listApis(root);
const written = (await Promise.all(apis.map((api) => generateApi(root, api, path.join(root, "generated"))))).flat();
for (const file of written) console.log(`generate: wrote ${path.relative(root, file)}`);
console.log(`generate: done in ${((performance.now() - started) / 1000).toFixed(2)} s`);
