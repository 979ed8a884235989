import { describe, expect, it } from "vitest";
import { renderConsolePage } from "../../src/console/page-config.ts";

const PAGE = '<head><script type="application/json" id="console-config">{}</script></head><body></body>';

describe("the configuration embedded in the console page", () => {
  it("replaces the empty configuration with the given one", () => {
    const html = renderConsolePage(PAGE, { api: "alloy", baseUrls: { alloy: "http://127.0.0.1:4012" } });
    expect(html).toBe('<head><script type="application/json" id="console-config">{"api":"alloy","baseUrls":{"alloy":"http://127.0.0.1:4012"}}</script></head><body></body>');
  });

  it("cannot close the script element, whatever a value holds", () => {
    const html = renderConsolePage(PAGE, { workflowIds: { altostrat: "</script><script>alert(1)</script>$&" } });
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(JSON.parse(/id="console-config">(.*)<\/script>/.exec(html)![1]!)).toEqual({ workflowIds: { altostrat: "</script><script>alert(1)</script>$&" } });
  });

  it("refuses a page without the configuration slot", () => {
    expect(() => renderConsolePage("<html></html>", {})).toThrow(/no configuration slot/);
  });
});
