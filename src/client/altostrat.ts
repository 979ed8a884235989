import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../../generated/altostrat/schema.d.ts";

/** Options of {@link createAltostratClient}. */
export interface AltostratClientOptions {
  /** Root of the API, e.g. `http://localhost:8081` (server) or `http://127.0.0.1:4011` (mock). */
  baseUrl: string;
  /** JWT sent as `Authorization: Bearer <token>` on every request; omit for the public webhook trigger. */
  token?: string;
  /** Fetch implementation (tests inject one; defaults to the global fetch). */
  fetch?: (input: Request) => Promise<Response>;
}

/** Typed client of the Altostrat Workflows API. */
export type AltostratClient = Client<paths>;

/**
 * Creates a typed openapi-fetch client for the Altostrat Workflows API with the bearer token set once.
 * @example
 * const client = createAltostratClient({ baseUrl: "http://localhost:8081", token });
 * const { data, error } = await client.POST("/workflows/runs/{runId}/rerun", { params: { path: { runId } } });
 */
export function createAltostratClient(options: AltostratClientOptions): AltostratClient {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  return createClient<paths>({ baseUrl: options.baseUrl, headers, ...(options.fetch ? { fetch: options.fetch } : {}) });
}
