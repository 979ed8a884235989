#!/usr/bin/env node
// npm run mock [-- --dynamic]: Prism mocks of both APIs, each on its own port.
// Ports: ALTOSTRAT_MOCK_PORT (4011) and ALLOY_MOCK_PORT (4012).
import path from "node:path";
import { parseArgs } from "node:util";
import { listApis } from "./lib/pipeline.mjs";
import { startPrism } from "./lib/prism.mjs";

const { values } = parseArgs({ options: { dynamic: { type: "boolean", default: false }, host: { type: "string", default: "127.0.0.1" } } });
const defaultPorts = { altostrat: 4011, alloy: 4012 };
const root = process.cwd();
const children = new Set();
let stopping = false;

// Handlers come first, and every Prism is tracked from the moment it is spawned, so a signal during
// start-up (or one mock failing to start) never leaves a Prism running without its parent.
const stopAll = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  await Promise.all([...children].map(stopChild));
  process.exit(code);
};
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

const apis = await listApis(root);
const started = await Promise.allSettled(
  apis.map(async (api, index) => {
    const envPort = process.env[`${api.name.toUpperCase()}_MOCK_PORT`];
    const port = Number(envPort ?? defaultPorts[api.name] ?? 4010 + index);
    const spec = path.join(root, "generated", api.name, "openapi.yaml");
    const onSpawn = (child) => children.add(child);
    const mock = await startPrism({ spec, port, host: values.host, dynamic: values.dynamic, onSpawn });
    mock.child.stdout.on("data", (chunk) => process.stdout.write(prefix(api.name, chunk)));
    return { api, mock };
  }),
);
const failed = started.filter((result) => result.status === "rejected");
if (failed.length > 0) {
  for (const { reason } of failed) console.error(`mock: ${reason instanceof Error ? reason.message : reason}`);
  await stopAll(1);
} else {
  for (const { value } of started) console.log(`mock: ${value.api.name} at ${value.mock.url} (${values.dynamic ? "dynamic" : "static examples"})`);
  console.log("mock: Ctrl-C stops both.");
}

function stopChild(child) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once("exit", () => done());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 3000).unref();
  });
}

function prefix(name, chunk) {
  return chunk.toString().split("\n").filter(Boolean).map((line) => `[${name}] ${line}\n`).join("");
}
