/** A UTF-16 surrogate without its pair (no Unicode character; not valid UTF-8 either). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** What PostgreSQL cannot keep in `text` or `jsonb`: NUL, and a lone surrogate. */
const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`);
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");

/** `text` with each lone surrogate replaced by U+FFFD, as a UTF-8 encoder would. */
export function replaceLoneSurrogates(text: string): string {
  return text.replace(LONE_SURROGATES, "\uFFFD");
}

/** True when PostgreSQL can keep `text` in a `text` or `jsonb` value. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** The problem reported for such a string. */
export const UNSTORABLE_TEXT_MESSAGE = "must not contain the character U+0000 or an unpaired UTF-16 surrogate";

/**
 * Finds the first string or object key under `value` that the store could not keep, and returns its
 * JSON pointer below `root` (e.g. `/body/context/note`); undefined when there is none. Walks without
 * recursion, like the depth check, so a hostile body cannot exhaust the stack.
 */
export function findUnstorableText(value: unknown, root: string): string | undefined {
  const stack: { node: unknown; at: string }[] = [{ node: value, at: root }];
  while (stack.length > 0) {
    const { node, at } = stack.pop() as { node: unknown; at: string };
    if (typeof node === "string") {
      if (UNSTORABLE.test(node)) return at;
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        const path = `${at}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        if (UNSTORABLE.test(key)) return path;
        stack.push({ node: child, at: path });
      }
    }
  }
  return undefined;
}
