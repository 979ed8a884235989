#!/usr/bin/env node
// npm run mock [-- --dynamic] [-- --host HOST] [-- --help]: Prism mocks of both APIs, each on its own port.
// Ports: ALTOSTRAT_MOCK_PORT (4011) and ALLOY_MOCK_PORT (4012); the run console on CONSOLE_MOCK_PORT (4010).
import path from "node:path";
import { parseArgs } from "node:util";
import { listApis } from "./lib/pipeline.mjs";
import { startPrism } from "./lib/prism.mjs";
import { readExampleWorkflowId, startConsoleServer } from "./lib/console-server.mjs";

const USAGE = `usage: npm run mock [-- --dynamic] [-- --host HOST]

Serves a Prism mock of each API from its bundle in generated/: Altostrat on ALTOSTRAT_MOCK_PORT
(4011), Alloy on ALLOY_MOCK_PORT (4012), and the run console pointed at both on
CONSOLE_MOCK_PORT (4010, at /console). Ctrl-C stops both.

  --dynamic     answer with generated data instead of the spec's named examples
  --host HOST   interface to listen on (default 127.0.0.1)
  -h, --help    print this and exit`;

let values;
try {
  ({ values } = parseArgs({
    options: { dynamic: { type: "boolean", default: false }, host: { type: "string", default: "127.0.0.1" }, help: { type: "boolean", short: "h", default: false } },
  }));
} catch (error) {
  console.error(`mock: ${error instanceof Error ? error.message : error}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
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
    const variable = `${api.name.toUpperCase()}_MOCK_PORT`;
    const envPort = process.env[variable];
    const port = Number(envPort || (defaultPorts[api.name] ?? 4010 + index));
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${variable}=${envPort} is not a port (an integer from 1 to 65535)`);
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
  await serveConsole(started.map(({ value }) => value));
  console.log("mock: Ctrl-C stops both.");
}

/** The run console, pointed at the mocks and opening on each contract's example workflow (CONSOLE_MOCK_PORT, 4010). */
async function serveConsole(mocks) {
  const envPort = process.env.CONSOLE_MOCK_PORT;
  const port = Number(envPort || 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return console.error(`mock: CONSOLE_MOCK_PORT=${envPort} is not a port; the run console is not served`);
  const config = { api: "altostrat", baseUrls: {}, workflowIds: {} };
  for (const { api, mock } of mocks) {
    config.baseUrls[api.name] = mock.url;
    config.workflowIds[api.name] = await readExampleWorkflowId(path.join(root, "generated", api.name, "openapi.yaml"));
  }
  try {
    const server = await startConsoleServer({ root, host: values.host, port, config });
    console.log(`mock: run console at ${server.url} (any token is accepted)`);
  } catch (error) {
    console.error(`mock: the run console is not served: ${error instanceof Error ? error.message : error}`);
  }
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
