// The codes a failed node's log carries are listed once, in NODE_ERROR_CODES; both contracts must
// name every one of them where they describe a failed node's output, so the two cannot drift.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NODE_ERROR_CODES } from "../../src/domain/index.ts";

const specs = {
  altostrat: "openapi/altostrat/workflows.yaml",
  alloy: "openapi/alloy/embedded.yaml",
};

describe("node error codes in the contracts", () => {
  it.each(Object.entries(specs))("%s names every code a failed node can carry", (_api, file) => {
    const text = readFileSync(new URL(`../../${file}`, import.meta.url), "utf8").replace(/\s+/g, " ");
    const missing = NODE_ERROR_CODES.filter((code) => !text.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
});
