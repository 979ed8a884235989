import { describe, expect, it } from "vitest";
import { readPath, renderTemplate, renderValue } from "../../../src/core/index.ts";

const context = { trigger: { user: { id: 7, name: "Ada" }, tags: ["a", "b"], empty: null }, nodes: { n1: { body: { token: "t0k" } } } };

describe("renderTemplate", () => {
  it.each([
    { given: "/users/{{ trigger.user.id }}", want: "/users/7" },
    { given: "/users/{{trigger.user.id}}", want: "/users/7" },
    { given: "Bearer {{ nodes.n1.body.token }}", want: "Bearer t0k" },
    { given: "{{ trigger.tags[1] }}-{{ trigger.tags.0 }}", want: "b-a" },
    { given: "{{ trigger.user }}", want: '{"id":7,"name":"Ada"}' },
    { given: "x{{ trigger.missing.deep }}y", want: "xy" },
    { given: "{{ trigger.empty }}", want: "" },
    { given: "no placeholders", want: "no placeholders" },
    { given: "{{ not closed", want: "{{ not closed" },
  ])("$given → $want", ({ given, want }) => {
    expect(renderTemplate(given, context)).toBe(want);
  });
});

describe("renderValue", () => {
  it("keeps the type of a value that is exactly one placeholder and renders nested strings", () => {
    expect(renderValue({ user: "{{ trigger.user }}", greeting: "hi {{ trigger.user.name }}", n: 1, list: ["{{ trigger.user.id }}"] }, context)).toEqual({
      user: { id: 7, name: "Ada" },
      greeting: "hi Ada",
      n: 1,
      list: [7],
    });
  });
});

describe("readPath", () => {
  it("does not read inherited properties", () => {
    expect(readPath({}, "constructor")).toBeUndefined();
    expect(readPath({ a: "x" }, "a.length")).toBeUndefined();
  });
});
