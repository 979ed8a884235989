import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import express from "express";
import { renderConsolePage, type ConsoleConfig } from "../../console/page-config.ts";
import { HttpProblem } from "./problem.ts";

/** Where the built console is and what it opens on when served by this listener. */
export interface ConsoleRoute {
  /** Folder holding the built console (`generated/console`). */
  dir: string;
  /** The API of this listener: the console opens on it, at the page's own origin. */
  api: NonNullable<ConsoleConfig["api"]>;
}

/**
 * Serves the run console at /console (page) and /console/console.js (script). The page is read once,
 * on the first request, and carries `{api}` so it calls this listener's API on the origin it came from.
 */
export function mountConsole(app: express.Express, route: ConsoleRoute): void {
  const index = path.join(route.dir, "index.html");
  const script = path.join(route.dir, "console.js");
  let page: string | undefined;
  app.get(["/console", "/console/"], (_req, res, next) => {
    if (!existsSync(index)) return next(new HttpProblem(404, "console_not_built", "The run console is not built; run `npm run generate`."));
    page ??= renderConsolePage(readFileSync(index, "utf8"), { api: route.api });
    res.type("html").set("Cache-Control", "no-cache").send(page);
  });
  app.get("/console/console.js", (_req, res, next) => {
    if (!existsSync(script)) return next(new HttpProblem(404, "console_not_built", "The run console is not built; run `npm run generate`."));
    res.type("text/javascript").set("Cache-Control", "no-cache").sendFile(script);
  });
}
