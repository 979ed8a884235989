import path from "node:path";
import { REPO_ROOT } from "./run-script.ts";
import { findFreePort } from "./free-port.ts";

type PrismHandle = { url: string; stop: () => Promise<void>; output: () => string };

/** Starts a Prism mock (or, with `upstream`, a validating proxy) of one bundled API on a free port. */
export async function startPrismFor(api: "altostrat" | "alloy", options: { upstream?: string; dynamic?: boolean } = {}): Promise<PrismHandle> {
  // The pipeline's helper is plain ESM shared with `npm run mock`.
  const prism = (await import(path.join(REPO_ROOT, "scripts/lib/prism.mjs"))) as {
    startPrism: (o: object) => Promise<PrismHandle>;
    startPrismProxy: (o: object) => Promise<PrismHandle>;
  };
  const spec = path.join(REPO_ROOT, "generated", api, "openapi.yaml");
  const port = await findFreePort();
  return options.upstream
    ? prism.startPrismProxy({ spec, upstream: options.upstream, port })
    : prism.startPrism({ spec, port, dynamic: options.dynamic ?? false });
}
