// Date-time parameters the validator's syntax check lets through although they name no instant that
// JavaScript or PostgreSQL can hold: each must be a 400 naming the parameter, against a real server.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_DATE_TIME, MIN_DATE_TIME, readDateTime } from "../../src/apis/http/date-time.ts";
import { listOperations, readSpec } from "../../src/apis/http/spec-routes.ts";
import { expectError } from "../support/error-body.ts";
import { createAltostratWorkflow, executeAltostrat, waitForRun } from "../support/http-runs.ts";
import { ECHO } from "../support/workflows.ts";
import { startTestServer, type TestServer, type TestTenant } from "../support/servers.ts";

const logsOp = { path: "/workflows/{workflowId}/logs", method: "get" };

/** `instant` written as local time at `offsetMinutes` from UTC, e.g. `2025-01-01T05:30:00.000+05:30`. */
function withOffset(instant: number, offsetMinutes: number): string {
  const local = new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

describe("date-time query parameters", () => {
  let server: TestServer;
  let tenant: TestTenant;
  let workflowId: string;
  let logCreatedAt: number;
  beforeAll(async () => {
    server = await startTestServer();
    tenant = await server.createTenant();
    workflowId = (await createAltostratWorkflow(tenant, ECHO)).id;
    const run = await waitForRun(tenant, (await executeAltostrat(tenant, workflowId)).id);
    logCreatedAt = Date.parse(run.logs![0]!.created_at);
  });
  afterAll(async () => server?.stop());

  const listLogs = (query: string) =>
    fetch(`${server.altostratUrl}/workflows/${workflowId}/logs?${query}`, { headers: { Authorization: `Bearer ${tenant.token}` } });

  it.each([
    ["from", "0000-01-01T00:00:00Z", /from 0001-01-01T00:00:00Z to 9999-12-31/],
    ["to", "2025-12-31T23:59:60Z", /leap seconds/],
    ["from", "2025-01-01T00:00:00+99:99", /offset from -23:59 to \+23:59/],
    ["from", "2025-01-01T00:00:00-24:00", /offset/],
    ["to", "2025-02-30T00:00:00Z", /day its month has/],
    ["to", "2023-02-29T00:00:00Z", /day its month has/],
    ["from", "2025-04-31T00:00:00Z", /day its month has/],
    ["from", "2025-00-10T00:00:00Z", /month from 01 to 12/],
    ["from", "2025-13-01T00:00:00Z", /month from 01 to 12/],
    ["from", "2025-01-00T00:00:00Z", /day its month has/],
    ["to", "2025-01-01T24:00:00Z", /hour from 00 to 23/],
    ["to", "2025-01-01T29:00:00Z", /hour from 00 to 23/],
    ["from", "0001-01-01T00:00:00+00:01", /from 0001-01-01T00:00:00Z/],
    ["to", "9999-12-31T23:59:59-00:01", /to 9999-12-31T23:59:59.999Z/],
  ])("refuses %s=%s with 400 naming the parameter", async (name, value, message) => {
    const response = await listLogs(`${name}=${encodeURIComponent(value)}`);
    const { body } = await expectError("altostrat", response, { status: 400, code: "validation_failed", type: "invalid_request_error", op: logsOp });
    const errors = body.errors as { path: string; message: string }[];
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe(`/query/${name}`);
    expect(errors[0]!.message).toMatch(message);
    expect(body.message).toContain(`/query/${name}`);
  });

  it.each([
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999Z",
    "9999-12-31T23:59:59.999999999Z",
    "2024-02-29T12:00:00Z",
    "2000-02-29T12:00:00Z",
    "2025-06-01t10:00:00z",
    "2025-06-01T10:00:00+01",
    "2025-06-01T10:00:00+0130",
    "2025-06-01T10:00:00-23:59",
    "0001-01-01T23:59:00+23:59",
  ])("accepts %s", async (value) => {
    const response = await listLogs(`from=${encodeURIComponent(value)}&to=${encodeURIComponent("9999-12-31T23:59:59Z")}`);
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it("reads an offset as the instant it names", async () => {
    const count = async (query: string) => ((await (await listLogs(query)).json()) as unknown[]).length;
    const total = await count("");
    expect(total).toBeGreaterThan(0);
    for (const offset of [0, 330, -345, 23 * 60 + 59, -(23 * 60 + 59)]) {
      // `from` keeps entries at or after it, so the earliest entry's own instant keeps every entry; a millisecond later drops it.
      expect(await count(`from=${encodeURIComponent(withOffset(logCreatedAt, offset))}`), `offset ${offset}`).toBe(total);
      expect(await count(`from=${encodeURIComponent(withOffset(logCreatedAt + 1, offset))}`), `offset ${offset}`).toBeLessThan(total);
    }
  });

  it("covers every date-time query parameter of both APIs", () => {
    const dated = (api: string) =>
      listOperations(readSpec(path.join(process.cwd(), "generated", api, "openapi.yaml")))
        .filter((op) => op.dateTimeQueryParams.length > 0)
        .map((op) => `${op.operationId}: ${op.dateTimeQueryParams.join(", ")}`);
    // If an operation gains one, it is checked by the same code; this list says which are tested above.
    expect(dated("altostrat")).toEqual(["listWorkflowLogs: from, to"]);
    expect(dated("alloy")).toEqual([]);
  });
});

describe("readDateTime", () => {
  it("bounds instants to the years 0001 to 9999 in UTC", () => {
    expect(new Date(MIN_DATE_TIME).toISOString()).toBe("0001-01-01T00:00:00.000Z");
    expect(new Date(MAX_DATE_TIME).toISOString()).toBe("9999-12-31T23:59:59.999Z");
  });

  it("reads years below 100 as themselves, not as 19xx", () => {
    const reading = readDateTime("0042-03-04T05:06:07.891Z");
    expect(reading.ok && reading.date.toISOString()).toBe("0042-03-04T05:06:07.891Z");
  });

  it("refuses what is not a date-time at all", () => {
    for (const text of ["", "yesterday", "2025-01-01", "2025-01-01T00:00Z", "+002025-01-01T00:00:00Z", "2025-01-01T00:00:00"]) {
      expect(readDateTime(text), text).toEqual({ ok: false, message: 'must match format "date-time"' });
    }
    // The validator refuses these before; read alone, they are refused all the same.
    for (const text of ["2025-01-01 00:00:00Z", "2025-01-01T12:00:60Z"]) {
      expect(readDateTime(text).ok, text).toBe(false);
    }
  });
});
