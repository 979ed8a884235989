// The seed operations' answers as the vendors published them must stay readable by code written against
// the vendors' own types. The assertions are checked by `tsc --noEmit` (part of `npm test`): a response
// field of a seed operation that disappears or changes type in the living spec stops the build once
// `npm run generate` has refreshed generated/. At run time only the file-snapshot check at the end does work.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { paths as AlloyPaths } from "../../generated/alloy/schema.d.ts";
import type { paths as AltostratPaths } from "../../generated/altostrat/schema.d.ts";
import { REPO_ROOT } from "../support/run-script.ts";
import type { paths as VendorAlloyPaths } from "./vendor-baseline/alloy.d.ts";
import type { paths as VendorAltostratPaths } from "./vendor-baseline/altostrat.d.ts";

/**
 * A property as a reader sees it once it is there. The vendor marks nothing `required`, so optionality is
 * dropped on both sides; `null` stays, so a field that becomes nullable counts as a changed type.
 */
type Field<T, K extends keyof T> = Required<T>[K];

/** Keys of T whose type is `any` or `never`: either would let any comparison pass. */
type Untyped<T> = { [K in keyof T]-?: 0 extends 1 & T[K] ? K : [T[K]] extends [never] ? K : never }[keyof T];


type AltostratRerun = AltostratPaths["/workflows/runs/{runId}/rerun"]["post"]["responses"];
type VendorAltostratRerun = VendorAltostratPaths["/workflows/runs/{runId}/rerun"]["post"]["responses"];
type Accepted = AltostratRerun[202]["content"]["application/json"];
type VendorAccepted = VendorAltostratRerun[202]["content"]["application/json"];
type Run = Field<Accepted, "new_run">;
type VendorRun = NonNullable<Field<VendorAccepted, "new_run">>;
type Log = Field<Run, "logs">[number];
type VendorLog = NonNullable<Field<VendorRun, "logs">>[number];

type AlloyRerun = AlloyPaths["/workflows/{workflowId}/rerun/{executionId}"]["post"]["responses"];
type VendorAlloyRerun = VendorAlloyPaths["/workflows/{workflowId}/rerun/{executionId}"]["post"]["responses"];
type Started = AlloyRerun[200]["content"]["application/json"];
type VendorStarted = VendorAlloyRerun[200]["content"]["application/json"];

describe("Altostrat rerun 202 body keeps the vendor's fields and types", () => {
  it("keeps message and new_run", () => {
    expectTypeOf<keyof VendorAccepted>().toEqualTypeOf<"message" | "new_run">();
    expectTypeOf<Field<Accepted, "message">>().toExtend<Field<VendorAccepted, "message">>();
    expectTypeOf<Field<Accepted, "new_run">>().toExtend<NonNullable<Field<VendorAccepted, "new_run">>>();
    expectTypeOf<Untyped<Accepted>>().toBeNever();
  });

  it("keeps every WorkflowRun property of new_run", () => {
    expectTypeOf<keyof VendorRun>().toEqualTypeOf<"id" | "status" | "error_message" | "started_at" | "completed_at" | "duration_in_seconds" | "logs">();
    expectTypeOf<Field<Run, "id">>().toExtend<Field<VendorRun, "id">>();
    expectTypeOf<Field<Run, "status">>().toExtend<Field<VendorRun, "status">>();
    expectTypeOf<Field<Run, "error_message">>().toExtend<Field<VendorRun, "error_message">>();
    expectTypeOf<Field<Run, "started_at">>().toExtend<Field<VendorRun, "started_at">>();
    expectTypeOf<Field<Run, "completed_at">>().toExtend<Field<VendorRun, "completed_at">>();
    expectTypeOf<Field<Run, "duration_in_seconds">>().toExtend<Field<VendorRun, "duration_in_seconds">>();
    expectTypeOf<Field<Run, "logs">>().toExtend<Field<VendorRun, "logs">>();
    expectTypeOf<Pick<Required<Run>, keyof VendorRun>>().toExtend<Required<VendorRun>>();
    expectTypeOf<Untyped<Run>>().toBeNever();
  });

  it("keeps every WorkflowLog property of new_run.logs items", () => {
    expectTypeOf<keyof VendorLog>().toEqualTypeOf<"id" | "node_id" | "component_id" | "status" | "output" | "created_at">();
    expectTypeOf<Field<Log, "id">>().toExtend<Field<VendorLog, "id">>();
    expectTypeOf<Field<Log, "node_id">>().toExtend<Field<VendorLog, "node_id">>();
    expectTypeOf<Field<Log, "component_id">>().toExtend<Field<VendorLog, "component_id">>();
    expectTypeOf<Field<Log, "status">>().toExtend<Field<VendorLog, "status">>();
    expectTypeOf<Field<Log, "output">>().toExtend<Field<VendorLog, "output">>();
    expectTypeOf<Field<Log, "created_at">>().toExtend<Field<VendorLog, "created_at">>();
    expectTypeOf<Pick<Required<Log>, keyof VendorLog>>().toExtend<Required<VendorLog>>();
    expectTypeOf<Untyped<Log>>().toBeNever();
  });

  it("keeps the error body of each status the vendor documents", () => {
    type Error401 = AltostratRerun[401]["content"]["application/json"];
    type Error404 = AltostratRerun[404]["content"]["application/json"];
    type Error500 = AltostratRerun[500]["content"]["application/json"];
    type VendorError = VendorAltostratRerun[401 | 404 | 500]["content"]["application/json"];
    expectTypeOf<keyof VendorError>().toEqualTypeOf<"type" | "code" | "message" | "doc_url">();
    expectTypeOf<Pick<Required<Error401>, keyof VendorError>>().toExtend<Required<VendorError>>();
    expectTypeOf<Pick<Required<Error404>, keyof VendorError>>().toExtend<Required<VendorError>>();
    expectTypeOf<Pick<Required<Error500>, keyof VendorError>>().toExtend<Required<VendorError>>();
    expectTypeOf<Untyped<Error401 | Error404 | Error500>>().toBeNever();
  });
});

describe("Alloy rerun 200 body keeps the vendor's fields and types", () => {
  it("keeps message and executionId", () => {
    expectTypeOf<keyof VendorStarted>().toEqualTypeOf<"message" | "executionId">();
    // The living spec narrows `message` to the enum ["success"], which still reads as the vendor's string.
    expectTypeOf<Field<Started, "message">>().toExtend<Field<VendorStarted, "message">>();
    expectTypeOf<Field<Started, "executionId">>().toExtend<Field<VendorStarted, "executionId">>();
    expectTypeOf<Pick<Required<Started>, keyof VendorStarted>>().toExtend<Required<VendorStarted>>();
    expectTypeOf<Untyped<Started>>().toBeNever();
  });
});

describe("vendor baseline types", () => {
  // The vendor types above are openapi-typescript's output for the verbatim vendor YAML, kept as file
  // snapshots; refresh them with `npx vitest run test/types -u` (only needed if openapi-typescript changes).
  it.each([
    ["altostrat", "openapi/altostrat/baseline/workflows.yaml"],
    ["alloy", "openapi/alloy/baseline/embedded.yaml"],
  ])("%s matches what openapi-typescript makes of %s", async (api, baseline) => {
    const { default: openapiTS, astToString } = await import("openapi-typescript");
    const source = pathToFileURL(path.join(REPO_ROOT, baseline));
    const header = `// Generated by openapi-typescript from ${baseline} (vendor text, verbatim). Do not edit by hand.\n`;
    const types = header + astToString(await openapiTS(source, { alphabetize: true }));
    expect(await readFile(path.join(REPO_ROOT, baseline), "utf8")).toMatch(/^openapi: 3\.0\.\d/);
    await expect(types).toMatchFileSnapshot(`./vendor-baseline/${api}.d.ts`);
  });
});
