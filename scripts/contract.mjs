#!/usr/bin/env node
// npm run test:contract [-- --target=TARGET] [-- --alloy=URL] [-- --scenarios-only]
// Runs the contract scenarios and the Arazzo workflows (test/contract) against one or more targets:
//   mock      the Prism mock of each API (stateless: only the checks declared for the mock run)
//   server    the in-process server behind Prism's validating proxy (the default: mock,server)
//   <url>     a running deployment; <url> is its Altostrat base URL. Also read from the environment:
//             CONTRACT_ALTOSTRAT_URL, CONTRACT_ALLOY_URL (or --alloy), CONTRACT_TOKEN (Altostrat JWT),
//             CONTRACT_API_KEY (Alloy key), CONTRACT_OTHER_TOKEN and CONTRACT_OTHER_API_KEY (a second
//             account, for isolation checks), CONTRACT_ALLOY_WORKFLOW_ID and CONTRACT_ALLOY_SLOW_WORKFLOW_ID.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { target: { type: "string", default: "mock,server" }, alloy: { type: "string" }, "scenarios-only": { type: "boolean", default: false } },
});
const env = { ...process.env };
const labels = [];
for (const target of values.target.split(",").map((s) => s.trim()).filter(Boolean)) {
  if (target === "mock" || target === "server") labels.push(target);
  else if (URL.canParse(target)) {
    env.CONTRACT_ALTOSTRAT_URL ??= target.replace(/\/+$/, "");
    labels.push("deployment");
  } else fail(`--target must be mock, server or a URL, got '${target}'`);
}
if (values.alloy) env.CONTRACT_ALLOY_URL = values.alloy.replace(/\/+$/, "");
if (labels.includes("deployment") && !env.CONTRACT_TOKEN) fail("a deployment target needs CONTRACT_TOKEN (an Altostrat bearer token)");
if (env.CONTRACT_ALLOY_URL && !env.CONTRACT_API_KEY) fail("CONTRACT_ALLOY_URL needs CONTRACT_API_KEY (an Alloy API key)");
env.CONTRACT_TARGETS = [...new Set(labels)].join(",");

// vitest's package exports hide its bin script; find it next to package.json.
const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
const args = [vitest, "run", "test/contract/contract.test.ts", ...(values["scenarios-only"] ? ["-t", "contract scenarios"] : [])];
console.log(`test:contract: targets ${env.CONTRACT_TARGETS}`);
const child = spawn(process.execPath, args, { stdio: "inherit", env });
child.on("close", (code) => process.exit(code ?? 1));

function fail(message) {
  console.error(`test:contract: ${message}`);
  process.exit(2);
}
