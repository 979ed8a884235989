import type { AddressInfo } from "node:net";
import path from "node:path";
import express, { type NextFunction, type Request, type Response } from "express";
import * as OpenApiValidator from "express-openapi-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiValidation } from "../../../src/apis/http/openapi-validation.ts";

const SPEC = path.resolve("generated/altostrat/openapi.yaml");
const RUN = "fl_run_01h3j4k5l6m7n8p9q0r1s2t3u4";
const WORKFLOW = "fl_wf_01jbwxwcbyb6wk952swa0432cf";

/** Requests whose answers must not depend on how the validator is mounted; each is sent twice in a row. */
const REQUESTS: { method: string; path: string; body?: unknown }[] = [
  { method: "GET", path: `/workflows/runs/${RUN}` },
  { method: "GET", path: `/workflows/runs/${RUN.slice(0, -1)}%34` },
  { method: "GET", path: `/workflows/runs/${RUN}/` },
  { method: "GET", path: `/Workflows/Runs/${RUN}` },
  { method: "GET", path: "/workflows/runs/not-a-run" },
  { method: "GET", path: `/workflows/runs/${RUN}?unknown=1` },
  { method: "GET", path: "/workflows/runs/logs" },
  { method: "GET", path: "/workflows/runs/%E0%A4%A" },
  { method: "HEAD", path: `/workflows/runs/${RUN}` },
  { method: "DELETE", path: `/workflows/runs/${RUN}` },
  { method: "GET", path: `/workflows/${WORKFLOW}/logs?limit=5` },
  { method: "GET", path: `/workflows/${WORKFLOW}/logs?limit=five` },
  { method: "POST", path: `/workflows/runs/${RUN}/resume-from/n2`, body: {} },
  { method: "POST", path: `/workflows/runs/${RUN}/resume-from/n%202`, body: {} },
  { method: "GET", path: "/nowhere" },
];

/** An app that answers 200 with what validation resolved, and every error with its status, message, details and headers. */
function makeApp(validation: express.RequestHandler | express.RequestHandler[]): express.Express {
  const app = express();
  app.use(express.json());
  app.use(validation);
  app.use((req: Request, res: Response) => {
    const openapi = (req as Request & { openapi?: { openApiRoute: string; pathParams: unknown } }).openapi;
    res.status(200).json({ route: openapi?.openApiRoute, params: openapi?.pathParams, query: req.query });
  });
  app.use((err: { status?: number; message?: string; errors?: unknown; headers?: unknown }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err.status ?? 500).type("application/json").send(JSON.stringify({ message: err.message, errors: err.errors, headers: err.headers }));
  });
  return app;
}

async function listen(app: express.Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function answer(base: string, request: (typeof REQUESTS)[number]): Promise<{ status: number; body: string }> {
  const res = await fetch(`${base}${request.path}`, {
    method: request.method,
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body), headers: { "content-type": "application/json" } }),
  });
  return { status: res.status, body: await res.text() };
}

describe.each([false, true])("openApiValidation (responses validated: %s)", (validateResponses) => {
  let direct: Awaited<ReturnType<typeof listen>>;
  let mounted: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    direct = await listen(
      makeApp(
        OpenApiValidator.middleware({
          apiSpec: SPEC,
          validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
          validateResponses: validateResponses ? { removeAdditional: false } : false,
          validateSecurity: false,
          validateApiSpec: false,
          ignoreUndocumented: false,
          fileUploader: false,
          $refParser: { mode: "bundle" },
        }),
      ),
    );
    mounted = await listen(makeApp(openApiValidation({ specFile: SPEC, validateResponses, sensitive: false, strict: false })));
  });
  afterAll(async () => {
    await direct?.close();
    await mounted?.close();
  });

  it("answers every request, the first time and again, as express-openapi-validator mounted directly does", async () => {
    for (const request of REQUESTS) {
      for (const attempt of [1, 2]) {
        const [want, got] = [await answer(direct.url, request), await answer(mounted.url, request)];
        expect({ request: `${request.method} ${request.path} #${attempt}`, ...got }).toEqual({ request: `${request.method} ${request.path} #${attempt}`, ...want });
      }
    }
  });

  it("keeps validating an operation after its first request", async () => {
    for (const _ of [1, 2, 3]) expect((await answer(mounted.url, { method: "GET", path: `/workflows/runs/${RUN}` })).status).toBe(validateResponses ? 500 : 200);
    const refused = await answer(mounted.url, { method: "GET", path: "/workflows/runs/fl_run_TOO_SHORT" });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("/params/runId");
  });
});
