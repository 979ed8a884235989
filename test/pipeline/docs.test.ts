import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { REPO_ROOT, runScript } from "../support/run-script.ts";

describe("npm run docs (scripts/docs.mjs <dir>)", () => {
  let out: string;
  let result: { code: number; output: string };

  beforeAll(async () => {
    out = await mkdtemp(path.join(os.tmpdir(), "reprise-docs-"));
    result = await runScript(REPO_ROOT, "docs.mjs", [out]);
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it("exits 0 and names each page it wrote", () => {
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/docs: altostrat -> .*altostrat\/index\.html/);
    expect(result.output).toMatch(/docs: alloy -> .*alloy\/index\.html/);
  });

  it.each(["altostrat", "alloy"])("writes <dir>/%s/index.html, an HTML page with the API's title", async (api) => {
    const spec = YAML.parse(await readFile(path.join(REPO_ROOT, "generated", api, "openapi.yaml"), "utf8")) as { info: { title: string } };
    const html = await readFile(path.join(out, api, "index.html"), "utf8");
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html).toContain("</html>");
    expect(html).toContain(`<title>${spec.info.title}</title>`);
    // The seed operation is rendered, not only named in the page head.
    expect(html).toContain("rerun");
  });
});
