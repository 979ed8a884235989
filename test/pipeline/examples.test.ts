import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { createSchemaValidator, type Doc, type Json } from "../support/openapi-schema.ts";
import { REPO_ROOT } from "../support/run-script.ts";

type Example = { where: string; value: Json; schema: Json };

/** Every example of a bundled spec beside the schema it illustrates: media types, parameters and schemas. */
function collectExamples(doc: Doc): Example[] {
  const found: Example[] = [];
  const resolve = (node: Json): Json => {
    let current = node;
    while (current && typeof current === "object" && !Array.isArray(current) && typeof current.$ref === "string") {
      current = current.$ref.slice(2).split("/").reduce<Json>((at, key) => (at as Doc)[key.replace(/~1/g, "/").replace(/~0/g, "~")] as Json, doc);
    }
    return current;
  };
  const visit = (node: Json, where: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${where}/${i}`));
    if (node === null || typeof node !== "object") return;
    const schema = node.schema;
    if (schema !== undefined && (node.example !== undefined || node.examples !== undefined)) {
      if (node.example !== undefined) found.push({ where: `${where}/example`, value: node.example, schema });
      const named = node.examples;
      if (named && typeof named === "object" && !Array.isArray(named)) {
        for (const [name, example] of Object.entries(named)) {
          const resolved = resolve(example) as Doc;
          if (resolved && "value" in resolved) found.push({ where: `${where}/examples/${name}`, value: resolved.value as Json, schema });
        }
      }
    }
    const isSchema = typeof node.type === "string" || node.properties !== undefined || node.allOf !== undefined;
    if (isSchema && node.example !== undefined && !where.endsWith("/examples")) {
      const { example, ...schemaOnly } = node;
      found.push({ where: `${where}/example`, value: example as Json, schema: schemaOnly });
    }
    for (const [key, value] of Object.entries(node)) if (key !== "example" && key !== "examples") visit(value, `${where}/${key}`);
  };
  visit(doc.paths as Json, "#/paths");
  visit(doc.components as Json, "#/components");
  return found;
}

describe.each(["altostrat", "alloy"])("examples of the %s spec", (api) => {
  it("each validates against its schema", async () => {
    const doc = YAML.parse(await readFile(path.join(REPO_ROOT, "generated", api, "openapi.yaml"), "utf8")) as Doc;
    const compile = createSchemaValidator(doc);
    const examples = collectExamples(doc);
    expect(examples.length).toBeGreaterThan(20);
    const failures = examples.flatMap(({ where, value, schema }) => {
      const validate = compile(schema);
      return validate(value) ? [] : [`${where}: ${JSON.stringify(validate.errors)}`];
    });
    expect(failures).toEqual([]);
  });
});
