import path from "node:path";
import type { Logger } from "pino";
import type { Engine } from "../../core/index.ts";
import type { Admission } from "./admission.ts";
import type { ApiAppOptions } from "./create-api-app.ts";

/** What both API listeners are built from, besides their own auth and handlers. */
export interface SharedAppOptions {
  engine: Engine;
  logger: Logger;
  validateResponses: boolean;
  bodyLimit: number | string;
  newRequestId: () => string;
  /** Root holding generated/ and dist/docs (defaults to the working directory). */
  root?: string;
  /** Origins allowed to call the APIs from a browser (CORS_ORIGINS). */
  corsOrigins?: ApiAppOptions<unknown>["corsOrigins"];
  mountOperational?: ApiAppOptions<unknown>["mountOperational"];
  /** Admission control shared by both listeners; each API names the operations it guards. */
  admission?: Admission;
  /** Benchmarks only: no authentication or validation, every caller is this account (see createApiApp). */
  unvalidated?: { accountId: string };
}

/** The part of createApiApp's options that only depends on which API it is and the shared settings. */
export function toApiAppOptions(api: "altostrat" | "alloy", options: SharedAppOptions, admitted: ReadonlySet<string> = new Set()) {
  const root = options.root ?? process.cwd();
  return {
    specFile: path.join(root, `generated/${api}/openapi.yaml`),
    docsDir: path.join(root, `dist/docs/${api}`),
    console: { dir: path.join(root, "generated/console"), api },
    validateResponses: options.validateResponses,
    bodyLimit: options.bodyLimit,
    logger: options.logger,
    newRequestId: options.newRequestId,
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    ...(options.mountOperational ? { mountOperational: options.mountOperational } : {}),
    ...(options.admission ? { admission: { gate: options.admission, operations: admitted } } : {}),
    ...(options.unvalidated ? { unvalidated: { context: { accountId: options.unvalidated.accountId } } } : {}),
  };
}
