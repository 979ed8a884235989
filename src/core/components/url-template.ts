import { replaceLoneSurrogates } from "../../shared/unstorable-text.ts";
import { NodeError } from "./node-error.ts";
import { hasPlaceholder, renderTemplateEncoded } from "./template.ts";

/**
 * The url of an http_request node is a template whose scheme, host and port are literal: `{{ }}`
 * placeholders may fill only the path, query and fragment, and the values they insert are
 * percent-encoded, so a value can neither move the request to another origin nor add path
 * segments, query parameters or a fragment.
 */
export interface UrlTemplate {
  /** The whole template as written. */
  text: string;
  /** The literal origin (`https://api.example.com`) every rendering must keep. */
  origin: string;
  /** Where the path, query and fragment begin in `text`. */
  restStart: number;
}

const SCHEME = /^(https?):\/\//i;
/** Ends the authority: WHATWG treats `\` as `/` in http(s) URLs. */
const AUTHORITY_END = /[/\\?#]/;

/** Parses a url template, or says what is wrong with it (a validateConfig message). */
export function parseUrlTemplate(text: string): { template: UrlTemplate } | { problem: string } {
  const scheme = SCHEME.exec(text);
  if (!scheme) {
    return { problem: "must start with http:// or https:// (the scheme, host and port cannot come from a {{ }} placeholder)" };
  }
  const start = scheme[0].length;
  const end = text.slice(start).search(AUTHORITY_END);
  const restStart = end === -1 ? text.length : start + end;
  const authority = text.slice(start, restStart);
  if (hasPlaceholder(authority) || authority.includes("{{") || authority.includes("}}")) {
    return { problem: "must not have a {{ }} placeholder in its host or port; placeholders may fill only the path, query and fragment" };
  }
  if (authority.includes("@")) return { problem: "must not contain credentials (user:password@); send them in a header" };
  let origin: URL;
  try {
    origin = new URL(`${scheme[1]!.toLowerCase()}://${authority}/`);
  } catch {
    return { problem: "must be an http(s) URL with a valid host" };
  }
  if (origin.hostname === "") return { problem: "must be an http(s) URL with a valid host" };
  return { template: { text, origin: origin.origin, restStart } };
}

/**
 * Fills a url template from the run context and checks the result stays on the template's origin.
 * @throws NodeError (code `invalid_url`) when the template is not valid or a value would change
 *   the origin or make a `.`/`..` path segment
 */
export function renderUrl(text: string, context: unknown): URL {
  const parsed = parseUrlTemplate(text);
  if ("problem" in parsed) throw new NodeError(`url ${parsed.problem}`, { code: "invalid_url" });
  const { origin, restStart } = parsed.template;
  const rest = text.slice(restStart);
  const rendered = renderTemplateEncoded(rest, context, encodeUrlValue);
  refuseDotSegments(rest, rendered);
  let url: URL;
  try {
    url = new URL(text.slice(0, restStart) + rendered);
  } catch (err) {
    throw new NodeError("url is not a valid URL once its placeholders are filled", { cause: err, code: "invalid_url" });
  }
  // Defence in depth: the encoding above should make this impossible.
  if (url.origin !== origin || url.username !== "" || url.password !== "") {
    throw new NodeError(`url must stay on ${origin}; its placeholders may not change the scheme, host or port`, { code: "invalid_url" });
  }
  return url;
}

/**
 * Percent-encodes a value for any part of a URL: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )`,
 * so `/ ? # @ : & = + % \` and spaces cannot act as delimiters. Lone surrogates become U+FFFD.
 */
export function encodeUrlValue(value: string): string {
  return encodeURIComponent(replaceLoneSurrogates(value));
}

/** `.` and `..`, also percent-encoded: URL parsers remove them with the segment before. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * A value cannot add a `/` (it is encoded), so the rendered path has the template's segments; a
 * segment that became `.` or `..` only through a value would walk up the path, and is refused.
 */
function refuseDotSegments(template: string, rendered: string): void {
  const pathOf = (s: string) => s.split(/[?#]/, 1)[0]!.split(/[/\\]/);
  const before = pathOf(template);
  const after = pathOf(rendered);
  after.forEach((segment, i) => {
    if (DOT_SEGMENT.test(segment) && segment !== before[i]) {
      throw new NodeError(`url path segment ${i} would become "${segment}"; a placeholder may not make a "." or ".." segment`, { code: "invalid_url" });
    }
  });
}
