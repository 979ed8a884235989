import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DOMAIN_ERROR_CODES, NODE_ERROR_CODES, NODE_TYPES, RUN_STATUSES, RUN_TRANSITIONS } from "../../src/domain/index.ts";
import { COMPONENTS } from "../../src/core/components/index.ts";

const DIR = new URL("../../src/domain/", import.meta.url);

describe("the domain vocabulary", () => {
  it("is the bottom of the house: its files import only each other", () => {
    const outside = readdirSync(DIR)
      .filter((file) => file.endsWith(".ts"))
      .flatMap((file) => [...readFileSync(new URL(file, DIR), "utf8").matchAll(/\bfrom\s+"([^"]+)"/g)].map((m) => `${file}: ${m[1]}`))
      .filter((line) => !/: \.\/[\w-]+\.ts$/.test(line));
    expect(outside).toEqual([]);
  });

  it("gives every run status a row of the transitions table, leading only to statuses", () => {
    expect(Object.keys(RUN_TRANSITIONS).sort()).toEqual([...RUN_STATUSES].sort());
    for (const targets of Object.values(RUN_TRANSITIONS)) for (const to of targets) expect(RUN_STATUSES).toContain(to);
  });

  it("has a component for every node type and a node type for every component", () => {
    expect(Object.keys(COMPONENTS).sort()).toEqual([...NODE_TYPES].sort());
  });

  it("keeps API error codes and node error codes apart, each listed once", () => {
    const all = [...DOMAIN_ERROR_CODES, ...NODE_ERROR_CODES];
    expect(new Set(all).size).toBe(all.length);
  });
});
