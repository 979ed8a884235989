#!/usr/bin/env node
// npm run docs [-- <dir>]: render each API's reference with `redocly build-docs` into <dir>/<api>/index.html
// (default dist/docs, the folder each server listener serves at /docs).
//
// The pages work with no network: Redoc's scripts are inlined (`--inlineBundle`), the one asset the
// inlined Redoc still takes from Redocly's CDN (the "API docs by" logo) is replaced by a local image, and
// the page names an empty icon so the browser asks for no /favicon.ico.
// The local server entry of each spec (`http://localhost:8081`, `:8082`) is replaced, in the copy the
// page is built from, by the relative URL `/`: the listener that serves the page at /docs is the server
// its operations are on, whatever host and port it really listens on.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { listApis, runRedocly } from "./lib/pipeline.mjs";

/** What the local server entry becomes in the docs. */
const DOCS_SERVER = { url: "/", description: "This Reprise server (the listener serving this page)" };

/** Assets the inlined Redoc bundle fetches from Redocly's CDN, and the local image each is replaced by. */
const CDN_LOGOS = ["https://cdn.redoc.ly/redoc/logo-mini-full.svg", "https://cdn.redoc.ly/redoc/logo-mini.svg"];
const LOCAL_LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="52" height="16" viewBox="0 0 52 16"><text x="0" y="12.5" font-family="Arial, Helvetica, sans-serif" font-size="13" font-weight="700" fill="#0044D4">Redoc</text></svg>',
)}`;

const root = process.cwd();
const outRoot = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, "dist", "docs");
// The page reports nothing to Redocly from readers' browsers (redocly.yaml says `telemetry: off` too).
process.env.REDOCLY_TELEMETRY = "off";
const apis = await listApis(root);
const tmp = await mkdtemp(path.join(os.tmpdir(), "reprise-docs-"));
try {
  // One Redocly run per API, side by side: each is mostly CLI start-up.
  const results = await Promise.all(
    apis.map(async (api) => {
      const out = path.join(outRoot, api.name, "index.html");
      const spec = path.join(tmp, `${api.name}.yaml`);
      await writeFile(spec, YAML.stringify(forDocs(YAML.parse(await readFile(path.join(root, "generated", api.name, "openapi.yaml"), "utf8")))));
      const result = await runRedocly(["build-docs", spec, "-o", out, "--inlineBundle", "--lint-config=off"], { cwd: root, echo: false });
      if (result.code === 0) await localizeAssets(out);
      return { api, out, ...result };
    }),
  );
  for (const { api, out, code, output } of results) {
    if (code !== 0) {
      console.error(output);
      process.exitCode = 1;
      continue;
    }
    const shown = path.relative(root, out).startsWith("..") ? out : path.relative(root, out);
    console.log(`docs: ${api.name} -> ${shown}`);
  }
} catch (error) {
  console.error(`docs: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await rm(tmp, { recursive: true, force: true });
}

/** The spec as the docs show it: `/` first, then the vendors' own servers; loopback server URLs are dropped. */
function forDocs(spec) {
  const servers = Array.isArray(spec.servers) ? spec.servers : [];
  const kept = servers.filter((server) => !isLoopback(server.url));
  return { ...spec, servers: [DOCS_SERVER, ...kept] };
}

function isLoopback(url) {
  if (typeof url !== "string" || !URL.canParse(url)) return false;
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || /^127\./.test(host);
}

/** Points the CDN assets of the inlined Redoc at local copies; fails when the page still names one. */
async function localizeAssets(file) {
  let html = await readFile(file, "utf8");
  for (const url of CDN_LOGOS) html = html.replaceAll(url, LOCAL_LOGO);
  // An empty icon, so the browser does not ask the listener for /favicon.ico (a 404 in the API's error shape).
  if (!html.includes('rel="icon"')) html = html.replace("</head>", '  <link rel="icon" href="data:," />\n</head>');
  const left = /https:\/\/cdn\.redoc(?:ly\.com|\.ly)\/redoc\/[\w./-]+/.exec(html);
  if (left) throw new Error(`${file} still loads ${left[0]} from Redocly's CDN; add a local replacement in scripts/docs.mjs`);
  await writeFile(file, html);
}
