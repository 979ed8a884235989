import responseValidation from "@fastify/response-validation";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import Fastify, { type FastifyInstance } from "fastify";
import { fileURLToPath } from "node:url";
import { toWorkflowRun } from "../../src/apis/altostrat/mappers.ts";
import type { JwtVerifier } from "../../src/auth/index.ts";
import type { Engine } from "../../src/core/index.ts";
import { readBundle, resolveRef, toStandaloneSchema } from "./openapi.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
type Op = { parameters: { $ref: string }[]; responses: Record<string, { content: Record<string, { schema: unknown }> }> };

/**
 * The peer a user might pick instead: fastify 5 serving GET /workflows/runs/:runId with the same JWT
 * verifier, engine.getRun and mapper as Reprise; fastify's ajv validates params and headers, and
 * @fastify/response-validation (ajv) the response, all from the bundled Altostrat spec.
 */
export async function createFastifyPeer(engine: Pick<Engine, "getRun">, verifier: JwtVerifier): Promise<FastifyInstance> {
  const doc = readBundle(fileURLToPath(new URL("../../generated/altostrat/openapi.yaml", import.meta.url)));
  const op = ((doc.paths as Record<string, Record<string, unknown>>)["/workflows/runs/{runId}"] as { get: Op }).get;
  const runIdParam = resolveRef(doc, op.parameters[0]?.$ref as string) as { schema: never };
  const runSchema = toStandaloneSchema(doc, op.responses["200"]?.content["application/json"]?.schema as never);
  const responseAjv = new Ajv({ allErrors: true, strict: false, removeAdditional: false });
  addFormats(responseAjv);
  const app = Fastify({ logger: false });
  await app.register(responseValidation, { ajv: responseAjv as never });
  app.get(
    "/workflows/runs/:runId",
    {
      schema: {
        params: { type: "object", properties: { runId: toStandaloneSchema(doc, runIdParam.schema) }, required: ["runId"] },
        headers: { type: "object", properties: { authorization: { type: "string" } }, required: ["authorization"] },
        response: { 200: runSchema },
      },
      preHandler: async (request) => {
        (request as unknown as { accountId: string }).accountId = (await verifier.verify(request.headers.authorization)).accountId;
      },
    },
    async (request) => {
      const { accountId } = request as unknown as { accountId: string };
      const run = await engine.getRun(accountId, (request.params as { runId: string }).runId);
      return toWorkflowRun(run, run.logs);
    },
  );
  return app;
}
