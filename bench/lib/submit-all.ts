import { Pool } from "undici";

/** What submitting a fixed number of requests got: the accepted, the 503s retried, the other failures. */
export interface SubmitAllResult {
  ok: number;
  /** 503s answered (each retried after its Retry-After). */
  refused: number;
  /** Other non-2xx answers and connection errors (not retried). */
  failed: number;
}

/**
 * Sends `amount` requests over `connections` keep-alive connections, each connection one request at a
 * time, as a client that honours admission control does: a 503 is sent again after its Retry-After
 * (seconds, at most 5). Stops early on `signal`.
 */
export async function submitAll(spec: {
  url: string;
  headers: Record<string, string>;
  body: string;
  amount: number;
  connections: number;
  signal?: AbortSignal;
}): Promise<SubmitAllResult> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, { connections: spec.connections, pipelining: 1 });
  const result: SubmitAllResult = { ok: 0, refused: 0, failed: 0 };
  let next = 0;
  const headers = { "content-type": "application/json", ...spec.headers };
  const sender = async () => {
    while (next < spec.amount && !spec.signal?.aborted) {
      next++;
      for (;;) {
        try {
          const res = await pool.request({ path: url.pathname + url.search, method: "POST", headers, body: spec.body });
          await res.body.dump();
          if (res.statusCode >= 200 && res.statusCode < 300) result.ok++;
          else if (res.statusCode === 503 && !spec.signal?.aborted) {
            result.refused++;
            const after = Math.min(5, Number(res.headers["retry-after"]) || 1);
            await new Promise((resolve) => setTimeout(resolve, after * 1000));
            continue;
          } else result.failed++;
        } catch {
          result.failed++;
        }
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, sender));
  await pool.close();
  return result;
}
