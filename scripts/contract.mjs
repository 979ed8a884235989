#!/usr/bin/env node
// npm run test:contract [-- --target=TARGET] [-- --alloy=URL] [-- --scenarios-only]
// Runs the contract scenarios and the Arazzo workflows (test/contract) against one or more targets:
//   mock      the Prism mock of each API (stateless: only the checks declared for the mock run)
//   server    the in-process server behind Prism's validating proxy (the default: mock,server)
//   <url>     a running deployment; <url> is its Altostrat base URL. Also read from the environment:
//             CONTRACT_ALTOSTRAT_URL, CONTRACT_ALLOY_URL (or --alloy), CONTRACT_TOKEN (Altostrat JWT),
//             CONTRACT_API_KEY (Alloy key), CONTRACT_OTHER_TOKEN and CONTRACT_OTHER_API_KEY (a second
//             account, for isolation checks), CONTRACT_ALLOY_WORKFLOW_ID and CONTRACT_ALLOY_SLOW_WORKFLOW_ID.
// Prints the resolved targets first. A deployment whose URLs answer nothing at all ends the run with
// one line and exit code 2 before any test starts (as do wrong arguments).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { whyUnreachable } from "./lib/reachable.mjs";

let values;
try {
  ({ values } = parseArgs({
    options: { target: { type: "string", default: "mock,server" }, alloy: { type: "string" }, "scenarios-only": { type: "boolean", default: false } },
  }));
} catch (error) {
  fail(error.message);
}
const env = { ...process.env };
const labels = [];
for (const target of values.target.split(",").map((s) => s.trim()).filter(Boolean)) {
  if (target === "mock" || target === "server") labels.push(target);
  else if (URL.canParse(target)) {
    // The URL on the command line wins over CONTRACT_ALTOSTRAT_URL, as --alloy wins over CONTRACT_ALLOY_URL.
    env.CONTRACT_ALTOSTRAT_URL = target.replace(/\/+$/, "");
    labels.push("deployment");
  } else fail(`--target must be mock, server or a URL, got '${target}'`);
}
if (values.alloy) env.CONTRACT_ALLOY_URL = values.alloy.replace(/\/+$/, "");
if (labels.includes("deployment") && !env.CONTRACT_TOKEN) fail("a deployment target needs CONTRACT_TOKEN (an Altostrat bearer token)");
if (env.CONTRACT_ALLOY_URL && !env.CONTRACT_API_KEY) fail("CONTRACT_ALLOY_URL needs CONTRACT_API_KEY (an Alloy API key)");
env.CONTRACT_TARGETS = [...new Set(labels)].join(",");

// The resolved targets first, so a run against the wrong place is obvious before anything starts.
console.log(`test:contract: targets ${env.CONTRACT_TARGETS}`);
for (const label of env.CONTRACT_TARGETS.split(",")) console.log(`  ${label.padEnd(10)} ${describeTarget(label)}`);
if (labels.includes("deployment")) {
  // A deployment nobody answers at would fail every scenario one by one; say it once instead.
  const urls = [
    ["Altostrat", env.CONTRACT_ALTOSTRAT_URL],
    ["Alloy", env.CONTRACT_ALLOY_URL],
  ].filter(([, url]) => url);
  const down = (await Promise.all(urls.map(async ([api, url]) => [api, url, await whyUnreachable(url)]))).filter(([, , why]) => why);
  if (down.length > 0) {
    console.error(`test:contract: deployment unreachable: ${down.map(([api, url, why]) => `${api} ${url} (${why})`).join("; ")}; nothing was run`);
    process.exit(2);
  }
}

// vitest's package exports hide its bin script; find it next to package.json.
const vitest = path.join(path.dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
const args = [vitest, "run", "test/contract/contract.test.ts", ...(values["scenarios-only"] ? ["-t", "contract scenarios"] : [])];
const child = spawn(process.execPath, args, { stdio: "inherit", env });
child.on("close", (code) => process.exit(code ?? 1));

function describeTarget(label) {
  if (label === "mock") return "Prism mocks of generated/altostrat/openapi.yaml and generated/alloy/openapi.yaml, started for the run";
  if (label === "server") return "the server in this process (in-memory store) behind Prism's validating proxy";
  const alloy = env.CONTRACT_ALLOY_URL
    ? `Alloy ${env.CONTRACT_ALLOY_URL}`
    : "no Alloy URL (CONTRACT_ALLOY_URL or --alloy): Alloy scenarios and workflows not run";
  return `Altostrat ${env.CONTRACT_ALTOSTRAT_URL}, ${alloy}; behind Prism's validating proxy`;
}

function fail(message) {
  console.error(`test:contract: ${message}`);
  process.exit(2);
}
