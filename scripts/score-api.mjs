#!/usr/bin/env node
// npm run score:api: Redocly's score for each API, baseline and living side by side.
import path from "node:path";
import { listApis, runRedocly } from "./lib/pipeline.mjs";

const root = process.cwd();
for (const api of await listApis(root)) {
  for (const file of [api.baseline, api.root]) {
    console.log(`score: ${path.relative(root, file)}`);
    await runRedocly(["score", path.relative(root, file), "--lint-config=off"], { cwd: root });
  }
}
