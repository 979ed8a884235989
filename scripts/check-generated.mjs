#!/usr/bin/env node
// npm run check:generated: regenerate into a temporary folder (the bundles, their types and the run console)
// and fail naming every stale file in generated/.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildConsole, CONSOLE_DIR } from "./lib/console.mjs";
import { bundleAdmin, writeAdmin } from "./lib/admin-api.mjs";
import { generateApis, listApis } from "./lib/pipeline.mjs";

const root = process.cwd();
const started = performance.now();
const tmp = await mkdtemp(path.join(os.tmpdir(), "reprise-generated-"));
try {
  const apis = await listApis(root);
  await generateApis(root, apis, tmp);
  await writeAdmin(root, await bundleAdmin(root), tmp);
  // The run console is built from src/console/ and the fresh bundles: a stale console is stale output too.
  await buildConsole(root, tmp);
  const stale = [];
  for (const folder of [...apis.map((api) => api.name), "admin", CONSOLE_DIR]) {
    const fresh = await listFiles(path.join(tmp, folder));
    const committed = await listFiles(path.join(root, "generated", folder));
    for (const name of new Set([...fresh, ...committed])) {
      const rel = path.join("generated", folder, name);
      if (!committed.includes(name)) stale.push(`${rel} (missing)`);
      else if (!fresh.includes(name)) stale.push(`${rel} (no longer generated)`);
      else if ((await readFile(path.join(tmp, folder, name), "utf8")) !== (await readFile(path.join(root, rel), "utf8")))
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
