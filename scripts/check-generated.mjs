#!/usr/bin/env node
// npm run check:generated: regenerate into a temporary folder and fail naming every stale file in generated/.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generateApis, listApis } from "./lib/pipeline.mjs";

const root = process.cwd();
const started = performance.now();
const tmp = await mkdtemp(path.join(os.tmpdir(), "reprise-generated-"));
try {
  const apis = await listApis(root);
  await generateApis(root, apis, tmp);
  const stale = [];
  for (const api of apis) {
    const fresh = await listFiles(path.join(tmp, api.name));
    const committed = await listFiles(path.join(root, "generated", api.name));
    for (const name of new Set([...fresh, ...committed])) {
      const rel = path.join("generated", api.name, name);
      if (!committed.includes(name)) stale.push(`${rel} (missing)`);
      else if (!fresh.includes(name)) stale.push(`${rel} (no longer generated)`);
      else if ((await readFile(path.join(tmp, api.name, name), "utf8")) !== (await readFile(path.join(root, rel), "utf8")))
        stale.push(`${rel} (stale)`);
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (stale.length > 0) {
    console.error(`check:generated: ${stale.length} generated file(s) differ from the specs; run \`npm run generate\` and commit:`);
    for (const line of stale) console.error(`  ${line}`);
    process.exitCode = 1;
  } else {
    console.log(`check:generated: generated/ is up to date (${seconds} s)`);
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}

async function listFiles(dir) {
  try {
    return (await readdir(dir)).filter((name) => !name.startsWith(".")).sort();
  } catch {
    return [];
  }
}
