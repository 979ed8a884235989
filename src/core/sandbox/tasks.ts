// What a sandbox process computes. Everything here runs in a child process with a heap limit:
// JSONata (compile and evaluate) and templates, whose cost a tenant's definition and payload decide.
import jsonata from "jsonata";
import { renderTemplate, renderValue } from "../components/template.ts";
import { renderUrl } from "../components/url-template.ts";
import { serializeBounded } from "./output-size.ts";

/** One unit of tenant code, sent to a sandbox process. */
export type SandboxTask =
  | { kind: "evaluate"; expression: string; input: unknown }
  | { kind: "render"; template: unknown; context: unknown }
  | { kind: "render-request"; url: string; headers: Record<string, string>; body: unknown; context: unknown }
  | { kind: "compile"; expressions: string[] };

/** What a render-request task answers: the request an http_request node sends. */
export interface RenderedRequest {
  url: string;
  headers: Record<string, string>;
  /** Absent when the node sends no body. */
  body?: unknown;
}

/** A task's answer: a JSON value (evaluate, render) or one syntax error (or null) per expression (compile). */
export type TaskAnswer = { kind: "json"; json: string } | { kind: "syntax"; errors: (string | null)[] };

type Expression = ReturnType<typeof jsonata>;

/**
 * Compiled expressions of stored definitions, reused across runs. Bounded by the bytes of source it
 * holds (a compiled tree takes roughly 30 times its source in heap), so many distinct expressions
 * evict each other instead of filling the process's heap. Compiles done to check a definition are
 * never cached.
 */
const CACHE_SOURCE_BYTES = 256 * 1024;
const cache = new Map<string, Expression>();
let cachedBytes = 0;

function compileCached(source: string): Expression {
  const hit = cache.get(source);
  if (hit) {
    // Refresh its place: least recently used goes first.
    cache.delete(source);
    cache.set(source, hit);
    return hit;
  }
  const expr = jsonata(source);
  const bytes = source.length * 2;
  if (bytes <= CACHE_SOURCE_BYTES) {
    while (cachedBytes + bytes > CACHE_SOURCE_BYTES) {
      const oldest = cache.keys().next().value!;
      cachedBytes -= oldest.length * 2;
      cache.delete(oldest);
    }
    cache.set(source, expr);
    cachedBytes += bytes;
  }
  return expr;
}

/** The JSONata syntax error of a source, or null when it compiles. */
function syntaxErrorOf(source: string): string | null {
  try {
    jsonata(source);
    return null;
  } catch (err) {
    return (err as { message?: string }).message ?? String(err);
  }
}

/** Runs one task; throws SandboxTaskError, OutputTooLargeError or NodeError for a failure the tenant caused. */
export async function runTask(task: SandboxTask, maxOutputBytes: number): Promise<TaskAnswer> {
  switch (task.kind) {
    case "compile":
      return { kind: "syntax", errors: task.expressions.map(syntaxErrorOf) };
    case "render":
      return { kind: "json", json: serializeBounded(renderValue(task.template, task.context) ?? null, maxOutputBytes) };
    case "render-request": {
      // The url keeps its literal origin (renderUrl throws a NodeError with code invalid_url otherwise).
      const rendered: RenderedRequest = {
        url: renderUrl(task.url, task.context).href,
        headers: Object.fromEntries(Object.entries(task.headers).map(([name, value]) => [name, renderTemplate(value, task.context)])),
        // No body in the config: none sent (undefined is left out of the JSON answer).
        body: task.body === undefined || task.body === null ? undefined : (renderValue(task.body, task.context) ?? null),
      };
      return { kind: "json", json: serializeBounded(rendered, maxOutputBytes) };
    }
    case "evaluate": {
      let value: unknown;
      try {
        value = await compileCached(task.expression).evaluate(task.input);
      } catch (err) {
        throw new SandboxTaskError(`expression failed: ${(err as { message?: string }).message ?? String(err)}`);
      }
      // JSONata yields undefined for "no match"; logs store JSON, so record null.
      return { kind: "json", json: serializeBounded(value ?? null, maxOutputBytes) };
    }
  }
}

/** An expression failed on its input (a type error, `$error()`, a stack overflow JSONata caught). */
export class SandboxTaskError extends Error {
  override readonly name = "SandboxTaskError";
}
