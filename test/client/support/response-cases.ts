import { readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { REPO_ROOT } from "../../support/run-script.ts";

type Node = { [key: string]: unknown };

/** One answer a Prism mock can be asked for: a documented status and, when it has any, one of its named examples. */
export interface ResponseCase {
  /** Test title, e.g. `409 idempotencyKeyInUse`. */
  name: string;
  status: number;
  /** Named example of the status, or undefined when it documents none. */
  example: string | undefined;
  /** The example's value as the spec documents it (Prism answers it verbatim in static mode). */
  value: unknown;
  /** `Prefer` header that selects this answer. */
  prefer: string;
  /** Response headers the spec documents for this status, lower-cased. */
  headers: string[];
}

/**
 * Lists every documented status of one operation of a bundled spec (`generated/<api>/openapi.yaml`)
 * and every named example of each, so a newly documented status or example becomes a test case by itself.
 * Read synchronously because vitest needs the cases while it collects tests.
 */
export function listResponseCases(api: "altostrat" | "alloy", route: string, method: string): ResponseCase[] {
  const doc = YAML.parse(readFileSync(path.join(REPO_ROOT, "generated", api, "openapi.yaml"), "utf8")) as Node;
  const operation = (doc.paths as Node)[route] as Node | undefined;
  const responses = (operation?.[method] as Node | undefined)?.responses as Node | undefined;
  if (!responses) throw new Error(`${api}: no responses for ${method.toUpperCase()} ${route}`);
  return Object.entries(responses).flatMap(([code, raw]): ResponseCase[] => {
    const status = Number(code);
    const response = resolveRef(doc, raw);
    const headers = Object.keys((response.headers as Node | undefined) ?? {}).map((name) => name.toLowerCase());
    const media = ((response.content as Node | undefined)?.["application/json"] ?? {}) as Node;
    const examples = Object.entries((media.examples as Node | undefined) ?? {});
    if (examples.length === 0) return [{ name: code, status, example: undefined, value: media.example, prefer: `code=${code}`, headers }];
    return examples.map(([example, rawExample]) => ({
      name: `${code} ${example}`,
      status,
      example,
      value: resolveRef(doc, rawExample).value,
      prefer: `code=${code}, example=${example}`,
      headers,
    }));
  });
}

/** Follows local `$ref`s (`#/components/...`) until it reaches a node that is not a reference. */
function resolveRef(doc: Node, node: unknown): Node {
  let current = node as Node;
  while (typeof current?.$ref === "string") {
    const pointer = current.$ref.replace(/^#\//, "").split("/").map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
    current = pointer.reduce<Node>((at, key) => at[key] as Node, doc);
  }
  return current;
}
