/** Deepest nesting of arrays and objects the APIs accept in a JSON body; deeper bodies are refused with a 400. */
export const MAX_JSON_DEPTH = 64;

/** Measures nesting depth without recursion, so a hostile body cannot exhaust the stack. */
export function exceedsJsonDepth(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (node === null || typeof node !== "object") continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push({ node: child, depth: depth + 1 });
  }
  return false;
}
