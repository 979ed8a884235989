import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The HTTP endpoint workflows' http_request nodes call: counts calls, answers late or holds them. */
export interface Target {
  base: string;
  /** Calls per path, e.g. `/work/17` → 2 after a reclaim repeated it. */
  hits: Map<string, number>;
  /** Milliseconds before answering (default 0). */
  delayMs: number;
  /** Paths under `/hold/` wait here until answered. */
  held: Map<string, ServerResponse>;
  /** Answers held calls (all, or those whose path passes `which`); later `/hold/` calls are held again. */
  answerHeld(which?: (path: string) => boolean): number;
  /** From now on `/hold/` calls are answered like any other. */
  stopHolding(): void;
  close(): Promise<void>;
}

/** Starts the target on a free port of 127.0.0.1. */
export async function startTarget(options: { delayMs?: number } = {}): Promise<Target> {
  let holding = true;
  const pending = new Set<ServerResponse>();
  const answer = (res: ServerResponse, path: string): void => {
    pending.delete(res);
    if (!res.destroyed) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ path }));
  };
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    target.hits.set(path, (target.hits.get(path) ?? 0) + 1);
    if (holding && path.startsWith("/hold/")) return void target.held.set(path, res);
    pending.add(res);
    setTimeout(() => answer(res, path), target.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const target: Target = {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: new Map(),
    delayMs: options.delayMs ?? 0,
    held: new Map(),
    answerHeld(which = () => true) {
      let n = 0;
      for (const [path, res] of target.held) {
        if (!which(path)) continue;
        target.held.delete(path);
        answer(res, path);
        n++;
      }
      return n;
    },
    stopHolding() {
      holding = false;
      target.answerHeld();
    },
    async close() {
      for (const res of [...pending, ...target.held.values()]) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return target;
}
