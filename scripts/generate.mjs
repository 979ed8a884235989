#!/usr/bin/env node
// npm run generate: lint both specs, bundle each to generated/<api>/openapi.yaml, emit generated/<api>/schema.d.ts,
// and build the run console (src/console/) into generated/console/. The admin API (openapi/admin/admin.yaml)
// is generated the same way; it is not in redocly.yaml's apis, which lists the vendor contracts only
// (diffed against a baseline, mocked, covered by the contract suite).
import path from "node:path";
import { adminApi, bundleAdmin, writeAdmin } from "./lib/admin-api.mjs";
import { buildConsole } from "./lib/console.mjs";
import { bundleApis, listApis, loadTypeEmitter, runRedocly, writeGenerated } from "./lib/pipeline.mjs";

const root = process.cwd();
const started = performance.now();
// Lint, bundle and the openapi-typescript load run side by side (most of their cost is start-up);
// nothing is written unless lint passes.
loadTypeEmitter();
const apis = await listApis(root);
const bundling = bundleApis(root, apis);
bundling.catch(() => {});
const admin = adminApi(root);
const adminBundling = bundleAdmin(root);
adminBundling.catch(() => {});
const lints = await Promise.all([runRedocly(["lint", "--format=stylish"], { cwd: root }), runRedocly(["lint", "--format=stylish", admin.root], { cwd: root })]);
if (lints.some((lint) => lint.code !== 0)) {
  console.error("generate: lint failed; nothing was generated.");
  process.exit(1);
}
const written = await writeGenerated(apis, await bundling, path.join(root, "generated"));
written.push(...(await writeAdmin(root, await adminBundling, path.join(root, "generated"))));
written.push(...(await buildConsole(root, path.join(root, "generated"))));
for (const file of written) console.log(`generate: wrote ${path.relative(root, file)}`);
console.log(`generate: done in ${((performance.now() - started) / 1000).toFixed(2)} s`);
