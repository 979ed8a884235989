import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../../generated/alloy/schema.d.ts";
import type { WithoutHeaders } from "./strip-headers.ts";

/** The Alloy Embedded API version this client speaks unless told otherwise. */
export const ALLOY_API_VERSION = "2025-09";

/** Options of {@link createAlloyClient}. */
export interface AlloyClientOptions {
  /** Root of the API, e.g. `http://localhost:8082` (server) or `http://127.0.0.1:4012` (mock). */
  baseUrl: string;
  /** API key sent as `Authorization: bearer <key>` on every request. */
  apiKey: string;
  /** Value of `x-api-version`; defaults to {@link ALLOY_API_VERSION}. */
  apiVersion?: string;
  /** Fetch implementation (tests inject one; defaults to the global fetch). */
  fetch?: (input: Request) => Promise<Response>;
}

/** Alloy paths as callers see them: the auth and version headers are set by the client. */
export type AlloyPaths = WithoutHeaders<paths, "Authorization" | "x-api-version">;

/** Typed client of the Alloy Embedded API. */
export type AlloyClient = Client<AlloyPaths>;

/**
 * Creates a typed openapi-fetch client for Alloy Embedded with the API key and version headers set once.
 * @example
 * const client = createAlloyClient({ baseUrl: "http://localhost:8082", apiKey });
 * const { data } = await client.POST("/workflows/{workflowId}/rerun/{executionId}", { params: { path: { workflowId, executionId } } });
 */
export function createAlloyClient(options: AlloyClientOptions): AlloyClient {
  const headers = {
    Authorization: `bearer ${options.apiKey}`,
    "x-api-version": options.apiVersion ?? ALLOY_API_VERSION,
  };
  return createClient<AlloyPaths>({ baseUrl: options.baseUrl, headers, ...(options.fetch ? { fetch: options.fetch } : {}) });
}
