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
const mocks = [];
for (const api of await listApis(root)) {
  const envPort = process.env[`${api.name.toUpperCase()}_MOCK_PORT`];
  const port = Number(envPort ?? defaultPorts[api.name] ?? 4010 + mocks.length);
  const spec = path.join(root, "generated", api.name, "openapi.yaml");
  const mock = await startPrism({ spec, port, host: values.host, dynamic: values.dynamic });
  mock.child.stdout.on("data", (chunk) => process.stdout.write(prefix(api.name, chunk)));
  mocks.push(mock);
  console.log(`mock: ${api.name} at ${mock.url} (${values.dynamic ? "dynamic" : "static examples"})`);
}
console.log("mock: Ctrl-C stops both.");
const stopAll = async () => {
  await Promise.all(mocks.map((mock) => mock.stop()));
  process.exit(0);
};
process.on("SIGINT", stopAll);
process.on("SIGTERM", stopAll);

function prefix(name, chunk) {
  return chunk.toString().split("\n").filter(Boolean).map((line) => `[${name}] ${line}\n`).join("");
}
