import { describe, expect, it } from "vitest";
import { checkDefinition, DomainError, MAX_DEFINITION_BYTES, parseDefinition, validateDefinition } from "../../src/core/index.ts";
import { MAX_EXPRESSION_LENGTH } from "../../src/core/components/jsonata-expression.ts";
import { testSandbox } from "../support/components.ts";

const trigger = { id: "start", type: "trigger" };
const transform = (id: string) => ({ id, type: "transform", config: { expression: "trigger.x" } });

describe("validateDefinition", () => {
  it("accepts a linear workflow and a condition with both branches", () => {
    expect(validateDefinition({ nodes: [trigger, transform("t")], edges: [{ source: "start", target: "t" }] })).toEqual([]);
    expect(
      validateDefinition({
        nodes: [trigger, { id: "c", type: "condition", config: { expression: "trigger.ok" } }, transform("yes"), { id: "no", type: "fail" }],
        edges: [
          { source: "start", target: "c" },
          { source: "c", target: "yes", branch: "true" },
          { source: "c", target: "no", branch: "false" },
        ],
      }),
    ).toEqual([]);
  });

  const table: { name: string; given: unknown; want: { path: string; message: RegExp } }[] = [
    { name: "not an object", given: [], want: { path: "", message: /must be an object/ } },
    { name: "nodes missing", given: { edges: [] }, want: { path: "nodes", message: /must be an array/ } },
    { name: "no trigger", given: { nodes: [transform("t")], edges: [] }, want: { path: "nodes", message: /exactly one trigger node \(found 0\)/ } },
    { name: "two triggers", given: { nodes: [trigger, { id: "b", type: "trigger" }], edges: [] }, want: { path: "nodes", message: /found 2/ } },
    { name: "duplicate id", given: { nodes: [trigger, transform("start")], edges: [] }, want: { path: "nodes[1].id", message: /duplicates node id 'start'/ } },
    { name: "bad id", given: { nodes: [{ id: "has space", type: "trigger" }], edges: [] }, want: { path: "nodes[0].id", message: /must match/ } },
    { name: "unknown type", given: { nodes: [trigger, { id: "x", type: "email" }], edges: [] }, want: { path: "nodes[1].type", message: /must be one of trigger, http_request/ } },
    { name: "edge to nowhere", given: { nodes: [trigger], edges: [{ source: "start", target: "ghost" }] }, want: { path: "edges[0].target", message: /existing node/ } },
    {
      name: "cycle",
      given: { nodes: [trigger, transform("a"), transform("b")], edges: [{ source: "start", target: "a" }, { source: "a", target: "b" }, { source: "b", target: "a" }] },
      want: { path: "edges", message: /cycle/ },
    },
    { name: "self loop", given: { nodes: [trigger, transform("a")], edges: [{ source: "start", target: "a" }, { source: "a", target: "a" }] }, want: { path: "edges[1]", message: /itself/ } },
    {
      name: "branch on a plain edge",
      given: { nodes: [trigger, transform("a")], edges: [{ source: "start", target: "a", branch: "true" }] },
      want: { path: "edges[0].branch", message: /only allowed on edges leaving a condition/ },
    },
    {
      name: "condition edge without branch",
      given: { nodes: [trigger, { id: "c", type: "condition", config: { expression: "1" } }, transform("a")], edges: [{ source: "start", target: "c" }, { source: "c", target: "a" }] },
      want: { path: "edges[1].branch", message: /is required/ },
    },
    { name: "unreachable node", given: { nodes: [trigger, transform("lonely")], edges: [] }, want: { path: "nodes", message: /'lonely' is not reachable/ } },
    {
      name: "edge into the trigger",
      given: { nodes: [trigger, transform("a")], edges: [{ source: "start", target: "a" }, { source: "a", target: "start" }] },
      want: { path: "edges", message: /no incoming edges/ },
    },
    { name: "http without url", given: { nodes: [trigger, { id: "h", type: "http_request", config: { method: "GET" } }], edges: [{ source: "start", target: "h" }] }, want: { path: "nodes[1].config.url", message: /non-empty/ } },
    { name: "http bad method", given: { nodes: [trigger, { id: "h", type: "http_request", config: { method: "FETCH", url: "https://x.test" } }], edges: [{ source: "start", target: "h" }] }, want: { path: "nodes[1].config.method", message: /one of GET/ } },
    { name: "http GET with body", given: { nodes: [trigger, { id: "h", type: "http_request", config: { method: "GET", url: "https://x.test", body: "x" } }], edges: [{ source: "start", target: "h" }] }, want: { path: "nodes[1].config.body", message: /not allowed with GET/ } },
    { name: "http timeout too long", given: { nodes: [trigger, { id: "h", type: "http_request", config: { method: "GET", url: "https://x.test", timeout_ms: 10_000_000 } }], edges: [{ source: "start", target: "h" }] }, want: { path: "nodes[1].config.timeout_ms", message: /integer from 1/ } },
    { name: "transform syntax error", given: { nodes: [trigger, { id: "t", type: "transform", config: { expression: "trigger.(" } }], edges: [{ source: "start", target: "t" }] }, want: { path: "nodes[1].config.expression", message: /not valid JSONata/ } },
    { name: "delay negative", given: { nodes: [trigger, { id: "d", type: "delay", config: { seconds: -1 } }], edges: [{ source: "start", target: "d" }] }, want: { path: "nodes[1].config.seconds", message: /number of seconds/ } },
    { name: "fail message not string", given: { nodes: [trigger, { id: "f", type: "fail", config: { message: 3 } }], edges: [{ source: "start", target: "f" }] }, want: { path: "nodes[1].config.message", message: /string/ } },
    { name: "config not an object", given: { nodes: [{ id: "s", type: "trigger", config: "x" }], edges: [] }, want: { path: "nodes[0].config", message: /must be an object/ } },
    {
      name: "expression over the length limit",
      given: { nodes: [trigger, { id: "t", type: "transform", config: { expression: `"${"x".repeat(MAX_EXPRESSION_LENGTH)}"` } }], edges: [{ source: "start", target: "t" }] },
      want: { path: "nodes[1].config.expression", message: /at most 16384 characters/ },
    },
    {
      name: "definition over the size limit",
      given: { nodes: [trigger], edges: [], padding: "x".repeat(MAX_DEFINITION_BYTES) },
      want: { path: "", message: /must be at most 262144 bytes/ },
    },
    {
      name: "sandbox limit not a positive integer",
      given: { nodes: [trigger, { id: "t", type: "transform", config: { expression: "1", timeout_ms: 0 } }], edges: [{ source: "start", target: "t" }] },
      want: { path: "nodes[1].config.timeout_ms", message: /positive integer/ },
    },
  ];
  it.each(table)("reports $name", async ({ given, want }) => {
    const problems = await checkDefinition(given, testSandbox(), "acct");
    expect(problems).toContainEqual({ path: want.path, message: expect.stringMatching(want.message) });
  });

  it("reports every problem at once", () => {
    const problems = validateDefinition({ nodes: [{ id: "a", type: "nope" }, { id: "a", type: "transform" }], edges: [{ source: "x", target: "a" }] });
    expect(problems.length).toBeGreaterThanOrEqual(4);
  });
});

describe("parseDefinition", () => {
  it("throws invalid_workflow_definition with the problems in details", async () => {
    const err = (await parseDefinition({ nodes: [], edges: [] }, testSandbox(), "acct").catch((e: unknown) => e)) as DomainError;
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe("invalid_workflow_definition");
    expect(err.details?.problems).toEqual([{ path: "nodes", message: "must contain exactly one trigger node (found 0)" }]);
    expect(err.message).toContain("exactly one trigger");
  });

  it("drops unknown fields and defaults edges", async () => {
    expect(await parseDefinition({ nodes: [{ id: "s", type: "trigger", extra: 1 }], extra: true }, testSandbox(), "acct")).toEqual({
      nodes: [{ id: "s", type: "trigger" }],
      edges: [],
    });
  });
});
