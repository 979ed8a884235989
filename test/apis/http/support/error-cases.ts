import type { ExpectedError } from "../../../support/error-body.ts";
import { ECHO } from "../../../support/workflows.ts";

/** One request that must be refused, and how. Paths may hold `:wf`, `:run`, `:alloyWf`, `:execution`. */
export interface Case {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** Sent as is (a string) or as JSON. */
  body?: unknown;
  want: ExpectedError;
}

/** Credentials and ids of the tenant whose requests the cases make. */
export interface CaseContext {
  token: string;
  apiKey: string;
  ids: { wf: string; run: string; alloyWf: string; execution: string };
}

/** The body limit the error-answer server runs with (BODY_LIMIT), small so 413 is cheap to provoke. */
export const BODY_LIMIT_BYTES = 4096;

const JSON_TYPE = { "content-type": "application/json" };
const nest = (depth: number): unknown => (depth === 0 ? {} : { a: nest(depth - 1) });
const oversized = { context: { blob: "x".repeat(BODY_LIMIT_BYTES + 10) } };
const ALTOSTRAT_RUN = `fl_run_${"0".repeat(26)}`;
const ALTOSTRAT_WF = `fl_wf_${"0".repeat(26)}`;
const ALLOY_WF = "0".repeat(24);
const ALLOY_EXEC = "00000000-00000000";

/** Requests every Altostrat operation must refuse, one or more per documented error status. */
export function listAltostratErrorCases(ctx: CaseContext): Case[] {
  const auth = () => ({ Authorization: `Bearer ${ctx.token}` });
  const json = () => ({ ...auth(), ...JSON_TYPE });
  const op = (path: string, method: string) => ({ path, method });
  const createOp = op("/workflows", "post");
  const executeOp = op("/workflows/{workflowId}/execute", "post");
  const listOp = op("/workflows/{workflowId}/executions", "get");
  const logsOp = op("/workflows/{workflowId}/logs", "get");
  const runOp = op("/workflows/runs/{runId}", "get");
  const rerunOp = op("/workflows/runs/{runId}/rerun", "post");
  const resumeOp = op("/workflows/runs/{runId}/resume-from/{nodeId}", "post");
  const webhookOp = op("/workflows/webhooks/{webhookToken}", "post");
  const invalid = (o: { path: string; method: string }) => ({ status: 400, code: "validation_failed", type: "invalid_request_error", op: o });
  const notFound = (code: string, o?: { path: string; method: string }) => ({ status: 404, code, type: "not_found_error", ...(o ? { op: o } : {}) });
  const unauthorized = (o: { path: string; method: string }) => ({ status: 401, code: "unauthorized", type: "authentication_error", op: o });

  return [
    // 400: parameters
    { name: "getWorkflow, bad workflowId", method: "GET", path: "/workflows/wf_123", headers: auth(), want: invalid(op("/workflows/{workflowId}", "get")) },
    { name: "execute, bad workflowId", method: "POST", path: "/workflows/FL_WF_X/execute", headers: json(), body: {}, want: invalid(executeOp) },
    { name: "executions, bad workflowId", method: "GET", path: "/workflows/x/executions", headers: auth(), want: invalid(listOp) },
    { name: "executions, per_page 101", method: "GET", path: "/workflows/:wf/executions?per_page=101", headers: auth(), want: invalid(listOp) },
    { name: "executions, page 0", method: "GET", path: "/workflows/:wf/executions?page=0", headers: auth(), want: invalid(listOp) },
    { name: "executions, page not a number", method: "GET", path: "/workflows/:wf/executions?page=two", headers: auth(), want: invalid(listOp) },
    { name: "executions, unknown parameter", method: "GET", path: "/workflows/:wf/executions?sort=asc", headers: auth(), want: invalid(listOp) },
    { name: "logs, bad workflowId", method: "GET", path: "/workflows/nope/logs", headers: auth(), want: invalid(logsOp) },
    { name: "logs, unknown status", method: "GET", path: "/workflows/:wf/logs?status=fatal", headers: auth(), want: invalid(logsOp) },
    { name: "logs, bad node_id", method: "GET", path: "/workflows/:wf/logs?node_id=a%20b", headers: auth(), want: invalid(logsOp) },
    { name: "logs, bad run_id", method: "GET", path: "/workflows/:wf/logs?run_id=run1", headers: auth(), want: invalid(logsOp) },
    { name: "logs, from not a date-time", method: "GET", path: "/workflows/:wf/logs?from=yesterday", headers: auth(), want: invalid(logsOp) },
    { name: "logs, limit 501", method: "GET", path: "/workflows/:wf/logs?limit=501", headers: auth(), want: invalid(logsOp) },
    { name: "getRun, bad runId", method: "GET", path: "/workflows/runs/run_1", headers: auth(), want: invalid(runOp) },
    { name: "resume, bad runId", method: "POST", path: "/workflows/runs/abc/resume-from/n1", headers: auth(), want: invalid(resumeOp) },
    { name: "resume, bad nodeId", method: "POST", path: "/workflows/runs/:run/resume-from/n.1", headers: auth(), want: invalid(resumeOp) },
    { name: "execute, Idempotency-Key too long", method: "POST", path: "/workflows/:wf/execute", headers: { ...json(), "Idempotency-Key": "k".repeat(256) }, body: {}, want: invalid(executeOp) },
    // 400: bodies
    { name: "execute, malformed JSON", method: "POST", path: "/workflows/:wf/execute", headers: json(), body: '{"context": ', want: { status: 400, code: "malformed_json", op: executeOp } },
    { name: "create, malformed JSON", method: "POST", path: "/workflows", headers: json(), body: "{name:", want: { status: 400, code: "malformed_json", op: createOp } },
    { name: "webhook, malformed JSON", method: "POST", path: "/workflows/webhooks/whk_" + "a".repeat(32), headers: JSON_TYPE, body: "[1,", want: { status: 400, code: "malformed_json", op: webhookOp } },
    { name: "execute, body nested 70 deep", method: "POST", path: "/workflows/:wf/execute", headers: json(), body: { context: nest(70) }, want: { status: 400, code: "json_too_deep", op: executeOp } },
    { name: "create, body nested 70 deep", method: "POST", path: "/workflows", headers: json(), body: { name: "x", definition: nest(70) }, want: { status: 400, code: "json_too_deep", op: createOp } },
    { name: "execute, context not an object", method: "POST", path: "/workflows/:wf/execute", headers: json(), body: { context: [1] }, want: invalid(executeOp) },
    { name: "execute, body an array", method: "POST", path: "/workflows/:wf/execute", headers: json(), body: [], want: invalid(executeOp) },
    { name: "create, name missing", method: "POST", path: "/workflows", headers: json(), body: { definition: ECHO }, want: invalid(createOp) },
    { name: "create, definition missing", method: "POST", path: "/workflows", headers: json(), body: { name: "x" }, want: invalid(createOp) },
    { name: "create, unknown node type", method: "POST", path: "/workflows", headers: json(), body: { name: "x", definition: { nodes: [{ id: "n1", type: "email" }], edges: [] } }, want: invalid(createOp) },
    // 401
    ...(
      [
        ["GET", "/workflows/:wf", op("/workflows/{workflowId}", "get")],
        ["POST", "/workflows", createOp],
        ["POST", "/workflows/:wf/execute", executeOp],
        ["GET", "/workflows/:wf/executions", listOp],
        ["GET", "/workflows/:wf/logs", logsOp],
        ["GET", "/workflows/runs/:run", runOp],
        ["POST", "/workflows/runs/:run/rerun", rerunOp],
        ["POST", "/workflows/runs/:run/resume-from/n1", resumeOp],
      ] as const
    ).map(([method, path, o]) => ({ name: `${method} ${path}, no token`, method, path, want: unauthorized(o) })),
    { name: "Basic credentials", method: "GET", path: "/workflows/:wf", headers: { Authorization: "Basic dXNlcjpwYXNz" }, want: unauthorized(op("/workflows/{workflowId}", "get")) },
    { name: "garbage token", method: "GET", path: "/workflows/:wf", headers: { Authorization: "Bearer not.a.jwt" }, want: unauthorized(op("/workflows/{workflowId}", "get")) },
    // 404
    { name: "getWorkflow, unknown", method: "GET", path: `/workflows/${ALTOSTRAT_WF}`, headers: auth(), want: notFound("workflow_not_found", op("/workflows/{workflowId}", "get")) },
    { name: "execute, unknown workflow", method: "POST", path: `/workflows/${ALTOSTRAT_WF}/execute`, headers: json(), body: {}, want: notFound("workflow_not_found", executeOp) },
    { name: "executions, unknown workflow", method: "GET", path: `/workflows/${ALTOSTRAT_WF}/executions`, headers: auth(), want: notFound("workflow_not_found", listOp) },
    { name: "logs, unknown workflow", method: "GET", path: `/workflows/${ALTOSTRAT_WF}/logs`, headers: auth(), want: notFound("workflow_not_found", logsOp) },
    { name: "getRun, unknown", method: "GET", path: `/workflows/runs/${ALTOSTRAT_RUN}`, headers: auth(), want: notFound("run_not_found", runOp) },
    { name: "rerun, unknown", method: "POST", path: `/workflows/runs/${ALTOSTRAT_RUN}/rerun`, headers: auth(), want: notFound("run_not_found", rerunOp) },
    { name: "rerun, any string (unpatterned seed parameter)", method: "POST", path: "/workflows/runs/run-42/rerun", headers: auth(), want: notFound("run_not_found", rerunOp) },
    { name: "resume, unknown run", method: "POST", path: `/workflows/runs/${ALTOSTRAT_RUN}/resume-from/n1`, headers: auth(), want: notFound("run_not_found", resumeOp) },
    { name: "unknown route", method: "GET", path: "/workflows/runs/:run/logs", headers: auth(), want: notFound("route_not_found") },
    { name: "unknown route, no token", method: "POST", path: "/v2/anything", want: notFound("route_not_found") },
    // 405
    { name: "DELETE a workflow", method: "DELETE", path: "/workflows/:wf", headers: auth(), want: { status: 405, code: "method_not_allowed" } },
    { name: "GET execute", method: "GET", path: "/workflows/:wf/execute", headers: auth(), want: { status: 405, code: "method_not_allowed" } },
    { name: "PUT rerun, no token", method: "PUT", path: "/workflows/runs/:run/rerun", want: { status: 405, code: "method_not_allowed" } },
    // 413
    { name: "execute, body over BODY_LIMIT", method: "POST", path: "/workflows/:wf/execute", headers: json(), body: oversized, want: { status: 413, code: "payload_too_large", op: executeOp } },
    { name: "create, body over BODY_LIMIT", method: "POST", path: "/workflows", headers: json(), body: { name: "x", definition: ECHO, description: "d".repeat(BODY_LIMIT_BYTES) }, want: { status: 413, code: "payload_too_large", op: createOp } },
    { name: "webhook, body over BODY_LIMIT", method: "POST", path: "/workflows/webhooks/whk_" + "a".repeat(32), headers: JSON_TYPE, body: oversized, want: { status: 413, code: "payload_too_large", op: webhookOp } },
    // 415
    { name: "execute, text/plain", method: "POST", path: "/workflows/:wf/execute", headers: { ...auth(), "content-type": "text/plain" }, body: "{}", want: { status: 415, code: "unsupported_media_type", op: executeOp } },
    { name: "create, text/plain", method: "POST", path: "/workflows", headers: { ...auth(), "content-type": "text/plain" }, body: "{}", want: { status: 415, code: "unsupported_media_type", op: createOp } },
    { name: "webhook, form encoded", method: "POST", path: "/workflows/webhooks/whk_" + "a".repeat(32), headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=1", want: { status: 415, code: "unsupported_media_type", op: webhookOp } },
    // 422
    {
      name: "create, definition breaking graph rules",
      method: "POST",
      path: "/workflows",
      headers: json(),
      body: { name: "x", definition: { nodes: [{ id: "n1", type: "trigger" }, { id: "n2", type: "transform", config: {} }], edges: [{ source: "n1", target: "n9" }] } },
      want: { status: 422, code: "invalid_workflow_definition", type: "invalid_request_error", op: createOp },
    },
  ];
}

/** Requests every Alloy operation must refuse, one or more per documented error status. */
export function listAlloyErrorCases(ctx: CaseContext): Case[] {
  const key = () => ({ Authorization: `bearer ${ctx.apiKey}`, "x-api-version": "2025-09" });
  const json = () => ({ ...key(), ...JSON_TYPE });
  const op = (path: string, method: string) => ({ path, method });
  const runOp = op("/run/workflow", "post");
  const logsOp = op("/workflows/{workflowId}/logs", "get");
  const rerunOp = op("/workflows/{workflowId}/rerun/{executionId}", "post");
  const execOp = op("/logs/{executionId}", "get");
  const invalid = (o: { path: string; method: string }) => ({ status: 400, code: "validation_failed", op: o });
  const runBody = () => ({ workflowId: ctx.ids.alloyWf, userId: "u1", data: {} });
  const every = [
    ["POST", "/run/workflow", runOp],
    ["GET", "/workflows/:alloyWf/logs", logsOp],
    ["POST", "/workflows/:alloyWf/rerun/:execution", rerunOp],
    ["GET", "/logs/:execution", execOp],
  ] as const;

  return [
    // 400: parameters and bodies
    { name: "logs, bad workflowId", method: "GET", path: "/workflows/xyz/logs", headers: key(), want: invalid(logsOp) },
    { name: "logs, limit 31", method: "GET", path: "/workflows/:alloyWf/logs?limit=31", headers: key(), want: invalid(logsOp) },
    { name: "logs, unknown parameter", method: "GET", path: "/workflows/:alloyWf/logs?user=u1", headers: key(), want: invalid(logsOp) },
    { name: "getExecution, bad id", method: "GET", path: "/logs/37e974f05d0c4035", headers: key(), want: invalid(execOp) },
    { name: "run, malformed JSON", method: "POST", path: "/run/workflow", headers: json(), body: '{"workflowId":', want: { status: 400, code: "malformed_json", op: runOp } },
    { name: "run, body nested 70 deep", method: "POST", path: "/run/workflow", headers: json(), body: { ...runBody(), data: nest(70) }, want: { status: 400, code: "json_too_deep", op: runOp } },
    { name: "run, userId missing", method: "POST", path: "/run/workflow", headers: json(), body: { workflowId: ctx.ids.alloyWf }, want: invalid(runOp) },
    { name: "run, bad workflowId", method: "POST", path: "/run/workflow", headers: json(), body: { ...runBody(), workflowId: "fl_wf_x" }, want: invalid(runOp) },
    { name: "run, data not an object", method: "POST", path: "/run/workflow", headers: json(), body: { ...runBody(), data: "x" }, want: invalid(runOp) },
    // 400: API version, on every operation
    ...every.flatMap(([method, path, o]): Case[] => [
      { name: `${method} ${path}, no x-api-version`, method, path, headers: { ...JSON_TYPE, Authorization: key().Authorization }, body: method === "POST" ? runBody() : undefined, want: { status: 400, code: "unsupported_api_version", op: o, message: "2025-09" } },
      { name: `${method} ${path}, x-api-version 2024-01`, method, path, headers: { ...json(), "x-api-version": "2024-01" }, body: method === "POST" ? runBody() : undefined, want: { status: 400, code: "unsupported_api_version", op: o, message: /2024-01.*2025-09/ } },
    ]),
    // 401, on every operation; the key is checked before the version
    ...every.flatMap(([method, path, o]): Case[] => [
      { name: `${method} ${path}, no key`, method, path, headers: { "x-api-version": "2025-09" }, want: { status: 401, code: "unauthorized", op: o } },
      { name: `${method} ${path}, unknown key`, method, path, headers: { Authorization: `bearer alloy_${"A".repeat(40)}`, "x-api-version": "2025-09" }, want: { status: 401, code: "unauthorized", op: o } },
    ]),
    { name: "malformed key, bad version", method: "GET", path: "/logs/:execution", headers: { Authorization: "bearer nope", "x-api-version": "1.0" }, want: { status: 401, code: "unauthorized", op: execOp } },
    { name: "JWT instead of key", method: "GET", path: "/logs/:execution", headers: { Authorization: `Bearer ${ctx.token}`, "x-api-version": "2025-09" }, want: { status: 401, code: "unauthorized", op: execOp } },
    // 404
    { name: "run, unknown workflow", method: "POST", path: "/run/workflow", headers: json(), body: { ...runBody(), workflowId: ALLOY_WF }, want: { status: 404, code: "workflow_not_found", op: runOp } },
    { name: "logs, unknown workflow", method: "GET", path: `/workflows/${ALLOY_WF}/logs`, headers: key(), want: { status: 404, code: "workflow_not_found", op: logsOp } },
    { name: "getExecution, unknown", method: "GET", path: `/logs/${ALLOY_EXEC}`, headers: key(), want: { status: 404, code: "run_not_found", op: execOp } },
    { name: "rerun, unknown execution", method: "POST", path: `/workflows/:alloyWf/rerun/${ALLOY_EXEC}`, headers: key(), want: { status: 404, code: "run_not_found", op: rerunOp } },
    { name: "rerun, malformed ids (unpatterned seed parameters)", method: "POST", path: "/workflows/zz/rerun/yy", headers: key(), want: { status: 404, code: "workflow_not_found", op: rerunOp } },
    { name: "rerun, Altostrat ids", method: "POST", path: "/workflows/:wf/rerun/:run", headers: key(), want: { status: 404, code: "workflow_not_found", op: rerunOp } },
    { name: "rerun, execution id of the wrong shape", method: "POST", path: "/workflows/:alloyWf/rerun/:run", headers: key(), want: { status: 404, code: "run_not_found", op: rerunOp } },
    { name: "unknown route", method: "GET", path: "/workflows", headers: key(), want: { status: 404, code: "route_not_found" } },
    { name: "unknown route, no key", method: "POST", path: "/run/anything", want: { status: 404, code: "route_not_found" } },
    // 405
    { name: "GET run/workflow", method: "GET", path: "/run/workflow", headers: key(), want: { status: 405, code: "method_not_allowed" } },
    { name: "DELETE an execution", method: "DELETE", path: "/logs/:execution", headers: key(), want: { status: 405, code: "method_not_allowed" } },
    // 413 and 415
    { name: "run, body over BODY_LIMIT", method: "POST", path: "/run/workflow", headers: json(), body: { ...runBody(), data: oversized }, want: { status: 413, code: "payload_too_large", op: runOp } },
    { name: "run, text/plain", method: "POST", path: "/run/workflow", headers: { ...key(), "content-type": "text/plain" }, body: "{}", want: { status: 415, code: "unsupported_media_type", op: runOp } },
  ];
}
