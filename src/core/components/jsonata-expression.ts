import jsonata from "jsonata";

type Expression = ReturnType<typeof jsonata>;

// Compiled expressions are reused across runs; bounded so arbitrary definitions cannot grow it forever.
const cache = new Map<string, Expression>();
const CACHE_LIMIT = 500;

/** Compiles (or reuses) a JSONata expression; throws on a syntax error. */
export function compileExpression(source: string): Expression {
  let expr = cache.get(source);
  if (!expr) {
    expr = jsonata(source);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(source, expr);
  }
  return expr;
}

/** The syntax error of an expression, or undefined when it compiles. */
export function findSyntaxError(source: unknown): string | undefined {
  if (typeof source !== "string" || source.trim() === "") return "must be a non-empty JSONata expression";
  try {
    compileExpression(source);
    return undefined;
  } catch (err) {
    return `is not valid JSONata: ${(err as { message?: string }).message ?? String(err)}`;
  }
}

/** Evaluates an expression against the run context. */
export async function evaluateExpression(source: string, input: unknown): Promise<unknown> {
  return compileExpression(source).evaluate(input);
}
