import { describe, expect, it } from "vitest";
import { heapFlagsToAdd, SERVER_HEAP_FLAGS } from "../../bin/heap-flags.js";

describe("heap flags of reprise start", () => {
  it.each([
    { execArgv: [], nodeOptions: undefined, added: SERVER_HEAP_FLAGS },
    { execArgv: ["--enable-source-maps"], nodeOptions: "--trace-warnings", added: SERVER_HEAP_FLAGS },
    { execArgv: ["--max-old-space-size=1024"], nodeOptions: undefined, added: [] },
    { execArgv: [], nodeOptions: "--max_semi_space_size=0", added: [] },
    { execArgv: ["--heap-growing-percent=50"], nodeOptions: "", added: [] },
  ])("adds $added for node flags $execArgv and NODE_OPTIONS $nodeOptions", ({ execArgv, nodeOptions, added }) => {
    expect(heapFlagsToAdd(execArgv, nodeOptions)).toEqual(added);
  });
});
