import { describe, expect, it } from "vitest";
import { ancestorsOf, canonicalJson, createGraph, createIdGenerator, createUlidFactory, descendantsOf, hashRequest, sortTopologically } from "../../src/core/index.ts";
import { createManualClock } from "../support/clock.ts";

describe("graph", () => {
  // start → a → c, start → b → c, c → d
  const graph = createGraph({
    nodes: ["start", "a", "b", "c", "d"].map((id) => ({ id, type: id === "start" ? "trigger" : "transform", config: { expression: "1" } })),
    edges: [
      { source: "start", target: "a" },
      { source: "start", target: "b" },
      { source: "a", target: "c" },
      { source: "b", target: "c" },
      { source: "c", target: "d" },
    ],
  });
  it("orders nodes topologically", () => expect(graph.order).toEqual(["start", "a", "b", "c", "d"]));
  it("finds ancestors", () => expect([...ancestorsOf(graph, "c")].sort()).toEqual(["a", "b", "start"]));
  it("finds descendants including the node", () => expect([...descendantsOf(graph, "b")].sort()).toEqual(["b", "c", "d"]));
  it("reports a cycle as undefined", () => expect(sortTopologically(["x", "y"], [{ source: "x", target: "y" }, { source: "y", target: "x" }])).toBeUndefined());
});

describe("ids", () => {
  const ids = createIdGenerator(createManualClock());
  it.each([
    { name: "altostrat workflow", make: () => ids.workflow("altostrat"), want: /^fl_wf_[0-9a-z]{26}$/ },
    { name: "alloy workflow", make: () => ids.workflow("alloy"), want: /^[0-9a-f]{24}$/ },
    { name: "altostrat run", make: () => ids.run("altostrat"), want: /^fl_run_[0-9a-z]{26}$/ },
    { name: "alloy run", make: () => ids.run("alloy"), want: /^[0-9a-f]{8}-[0-9a-f]{8}$/ },
    { name: "log", make: () => ids.log(), want: /^fl_log_[0-9a-z]{26}$/ },
    { name: "webhook token", make: () => ids.webhookToken(), want: /^whk_[0-9a-z]{32}$/ },
  ])("$name matches $want", ({ make, want }) => {
    expect(make()).toMatch(want);
  });

  it("ULIDs from one clock tick still sort in creation order", () => {
    const ulid = createUlidFactory(createManualClock());
    const made = Array.from({ length: 1000 }, ulid);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(1000);
  });
});

describe("request hashing", () => {
  it("ignores key order and undefined fields", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(hashRequest({ a: 1, b: 2 })).toBe(hashRequest({ b: 2, a: 1 }));
    expect(hashRequest({ a: 1 })).not.toBe(hashRequest({ a: 2 }));
  });
});
