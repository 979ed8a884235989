/** Matches `{{ path.to.value }}` (spaces optional). */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_$-]+(?:(?:\.[A-Za-z0-9_$-]+)|(?:\[\d+\]))*)\s*\}\}/g;
const WHOLE_PLACEHOLDER = new RegExp(`^${PLACEHOLDER.source}$`);

/** Reads `a.b.0.c` or `a.b[0].c` from a value; undefined when any step is missing. */
export function readPath(root: unknown, path: string): unknown {
  const steps = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let current: unknown = root;
  for (const step of steps) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, step)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/**
 * Replaces each placeholder in a string with the value at its path in `context`.
 * Missing values render as "", objects as JSON.
 * @example renderTemplate("/users/{{ trigger.id }}", { trigger: { id: 7 } }) // "/users/7"
 */
export function renderTemplate(text: string, context: unknown): string {
  return text.replace(PLACEHOLDER, (_match, path: string) => stringify(readPath(context, path)));
}

/**
 * Like renderTemplate, but each substituted value passes through `encode` first (e.g. percent-encoding
 * for a URL); the template's literal text is kept as written.
 * @example renderTemplateEncoded("/q?x={{ trigger.x }}", { trigger: { x: "a&b" } }, encodeURIComponent) // "/q?x=a%26b"
 */
export function renderTemplateEncoded(text: string, context: unknown, encode: (value: string) => string): string {
  return text.replace(PLACEHOLDER, (_match, path: string) => encode(stringify(readPath(context, path))));
}

/**
 * Renders every string inside a JSON value. A string that is exactly one placeholder takes the
 * value itself, so `{"user": "{{ trigger.user }}"}` inserts an object, not its JSON text.
 */
export function renderValue(value: unknown, context: unknown): unknown {
  if (typeof value === "string") {
    const whole = WHOLE_PLACEHOLDER.exec(value);
    if (whole) return readPath(context, whole[1]!) ?? null;
    return renderTemplate(value, context);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, context));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, context)]));
  }
  return value;
}

/** True when a string contains at least one placeholder. */
export function hasPlaceholder(text: string): boolean {
  return new RegExp(PLACEHOLDER.source).test(text);
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
