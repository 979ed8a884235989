// A static server for the run console next to the Prism mocks (`npm run mock`): the same built page the
// server listeners serve at /console, configured to call the mocks' URLs.
import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import YAML from "yaml";
import { renderConsolePage } from "../../src/console/page-config.ts";

/**
 * Serves generated/console at /console on `host:port` (0: any free port) with `config` embedded in the
 * page; resolves with its URL and a `close()`.
 * @param {{ root: string, host: string, port: number, config: import("../../src/console/page-config.ts").ConsoleConfig }} options
 */
export async function startConsoleServer({ root, host, port, config }) {
  const dir = path.join(root, "generated", "console");
  const page = renderConsolePage(await readFile(path.join(dir, "index.html"), "utf8"), config);
  const script = await readFile(path.join(dir, "console.js"));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "method not allowed");
    if (url.pathname === "/" || url.pathname === "/console" || url.pathname === "/console/") return send(res, 200, "text/html; charset=utf-8", page);
    if (url.pathname === "/console/console.js") return send(res, 200, "text/javascript; charset=utf-8", script);
    send(res, 404, "text/plain", "not found");
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const { port: bound } = server.address();
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}/console`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** The example `workflowId` of a bundled contract (its WorkflowId parameter), to open the mock's console on. */
export async function readExampleWorkflowId(specFile) {
  const spec = YAML.parse(await readFile(specFile, "utf8"));
  const example = spec.components?.parameters?.WorkflowId?.example;
  return typeof example === "string" ? example : undefined;
}

function send(res, status, type, body) {
  res.writeHead(status, { "content-type": type, "cache-control": "no-cache" });
  res.end(body);
}
