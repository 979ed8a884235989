import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { httpRequestComponent, NodeError, type NodeSpec } from "../../../src/core/index.ts";
import { encodeUrlValue, parseUrlTemplate, renderUrl } from "../../../src/core/components/url-template.ts";
import { nodeInput, testServices } from "../../support/components.ts";

const PATH = "nodes[1].config";
const problemsOf = (url: unknown) => httpRequestComponent.validateConfig({ method: "GET", url }, PATH);

describe("http_request url templates at definition time", () => {
  it.each([
    { given: "{{ trigger.url }}", why: "the whole URL from a value" },
    { given: "https://api.example.com{{ trigger.p }}/v1", why: "a value after the host (@127.0.0.1:9 would change it)" },
    { given: "https://{{ trigger.host }}/v1", why: "the host from a value" },
    { given: "https://api.{{ trigger.zone }}.com/", why: "part of the host from a value" },
    { given: "https://api.example.com:{{ trigger.port }}/", why: "the port from a value" },
    { given: "http{{ trigger.s }}://api.example.com/", why: "the scheme from a value" },
    { given: "https://api.example.com{{ trigger.p }}", why: "a value after the host, no path" },
    { given: "https://api.example.com{{trigger.p}}?q=1", why: "a value after the host, then a query" },
  ])("refuses a placeholder in the scheme or authority: $given ($why)", ({ given }) => {
    const problems = problemsOf(given);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: `${PATH}.url` });
    expect(problems[0]!.message).toMatch(/placeholder|http:\/\/ or https:\/\//);
  });

  it.each([
    { given: "ftp://files.example.com/x", message: /must start with http:\/\/ or https:\/\// },
    { given: "//api.example.com/x", message: /must start with/ },
    { given: "api.example.com/x", message: /must start with/ },
    { given: " https://api.example.com/", message: /must start with/ },
    { given: "https://user:pw@api.example.com/", message: /credentials/ },
    { given: "https:///x", message: /valid host/ },
    { given: "https://exa mple.com/", message: /valid host/ },
  ])("refuses $given", ({ given, message }) => {
    expect(problemsOf(given)).toEqual([{ path: `${PATH}.url`, message: expect.stringMatching(message) }]);
  });

  it.each([
    "https://api.example.com/{{ trigger.p }}",
    "https://api.example.com/v1/users/{{ trigger.user.id }}/orders",
    "https://api.example.com?q={{ trigger.q }}",
    "https://api.example.com/v1#{{ trigger.f }}",
    "HTTPS://API.example.com:8443/x/{{ a }}",
    "http://127.0.0.1:8080/{{ x }}",
    "http://[::1]:8080/{{ x }}",
    "https://api.example.com",
  ])("accepts %s", (given) => expect(problemsOf(given)).toEqual([]));

  it("keeps the literal origin", () => {
    expect(parseUrlTemplate("HTTPS://API.Example.com:443/x/{{ a }}")).toEqual({
      template: { text: "HTTPS://API.Example.com:443/x/{{ a }}", origin: "https://api.example.com", restStart: 27 },
    });
  });
});

describe("http_request url rendering", () => {
  const render = (template: string, trigger: unknown) => renderUrl(template, { trigger, nodes: {} });

  it("keeps a traversal, query and fragment attempt inside one encoded path segment on the same host", () => {
    const url = render("https://api.example.com/{{ trigger.p }}", { p: "../../x?y#z" });
    expect(url.href).toBe("https://api.example.com/..%2F..%2Fx%3Fy%23z");
    expect(url.host).toBe("api.example.com");
    expect(url.search).toBe("");
    expect(url.hash).toBe("");
  });

  it("cannot move the request with userinfo or a port in a path value", () => {
    const url = render("https://api.example.com/{{ trigger.p }}/v1", { p: "@127.0.0.1:9" });
    expect(url.origin).toBe("https://api.example.com");
    expect(url.pathname).toBe("/%40127.0.0.1%3A9/v1");
  });

  it("cannot add query parameters", () => {
    const url = render("https://api.example.com/s?q={{ trigger.q }}&page=1", { q: "a&page=99#x" });
    expect(url.searchParams.getAll("page")).toEqual(["1"]);
    expect(url.searchParams.get("q")).toBe("a&page=99#x");
  });

  it("encodes backslashes, spaces, percent signs and JSON of objects", () => {
    expect(render("https://api.example.com/{{ trigger.p }}", { p: "a\\b c%2F" }).pathname).toBe("/a%5Cb%20c%252F");
    expect(render("https://api.example.com/?f={{ trigger.o }}", { o: { a: 1 } }).searchParams.get("f")).toBe('{"a":1}');
    expect(render("https://api.example.com/x{{ trigger.missing }}", {}).href).toBe("https://api.example.com/x");
  });

  it("turns lone surrogates into U+FFFD instead of failing", () => {
    expect(render("https://api.example.com/{{ trigger.p }}", { p: "a\uD800" }).pathname).toBe("/a%EF%BF%BD");
  });

  it.each([".", ".."])("refuses a value that makes the path segment %j", (p) => {
    expect(() => render("https://api.example.com/v1/{{ trigger.p }}/admin", { p })).toThrow(expect.objectContaining({ name: "NodeError", code: "invalid_url" }));
  });

  it("encodes the percent of an encoded dot, so it is no dot segment", () => {
    expect(render("https://api.example.com/v1/{{ trigger.p }}/admin", { p: "%2e%2e" }).pathname).toBe("/v1/%252e%252e/admin");
  });

  it("keeps dot segments written literally in the template", () => {
    expect(render("https://api.example.com/v1/../v2/{{ trigger.p }}", { p: "x" }).pathname).toBe("/v2/x");
  });

  it("refuses at run time a stored template whose host is a placeholder", () => {
    expect(() => render("https://{{ trigger.h }}/", { h: "127.0.0.1" })).toThrow(expect.objectContaining({ code: "invalid_url" }));
  });

  it("never leaves the template's origin and keeps the value intact, whatever the value", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (value) => {
        let url: URL;
        try {
          url = render("https://api.example.com/a/{{ trigger.v }}/b?q={{ trigger.v }}#{{ trigger.v }}", { v: value });
        } catch (err) {
          expect(err).toMatchObject({ code: "invalid_url" });
          expect([".", ".."]).toContain(value);
          return;
        }
        expect(url.origin).toBe("https://api.example.com");
        expect(url.pathname.split("/")).toHaveLength(4);
        expect(url.searchParams.get("q")).toBe(decodeURIComponent(encodeUrlValue(value)));
      }),
      { numRuns: 500 },
    );
  });

  it("sends the attack value encoded to the template's host", async () => {
    const fetcher = vi.fn<typeof fetch>(async () => new Response("ok"));
    const node: NodeSpec = { id: "n2", type: "http_request", config: { method: "GET", url: "https://api.example.com/{{ trigger.p }}" } };
    await httpRequestComponent.run(nodeInput(node, { context: { trigger: { p: "../../x?y#z" }, nodes: {} }, services: testServices({ fetcher }) }));
    const sent = fetcher.mock.calls[0]![0] as URL;
    expect(sent.href).toBe("https://api.example.com/..%2F..%2Fx%3Fy%23z");
  });

  it("fails the node with invalid_url, without calling the fetcher, for a dot-segment value", async () => {
    const fetcher = vi.fn<typeof fetch>(async () => new Response("ok"));
    const node: NodeSpec = { id: "n2", type: "http_request", config: { method: "GET", url: "https://api.example.com/v1/{{ trigger.p }}/admin" } };
    const err = await httpRequestComponent.run(nodeInput(node, { context: { trigger: { p: ".." }, nodes: {} }, services: testServices({ fetcher }) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeError);
    expect(err).toMatchObject({ code: "invalid_url" });
    expect(fetcher).not.toHaveBeenCalled();
  });
});
