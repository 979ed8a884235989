// Prism (static mock of the bundled Altostrat spec) in a child pinned like the other servers;
// Prism's own process inherits the pinning.
import { fileURLToPath } from "node:url";
import { findFreePort } from "../test/support/free-port.ts";
import { serveIpc } from "./lib/child-ipc.ts";

type PrismHandle = { url: string; stop: () => Promise<void>; child: { pid: number } };
// The pipeline's helper is plain ESM shared with `npm run mock`.
const { startPrism } = (await import(fileURLToPath(new URL("../scripts/lib/prism.mjs", import.meta.url)))) as {
  startPrism: (o: object) => Promise<PrismHandle>;
};
const spec = fileURLToPath(new URL("../generated/altostrat/openapi.yaml", import.meta.url));
const prism = await startPrism({ spec, port: await findFreePort() });
serveIpc({ url: prism.url, pid: prism.child.pid }, {}, () => prism.stop());
