import type { Middleware } from "openapi-fetch";
import { discardBody } from "./retry.ts";

/** Options of {@link requestIdMiddleware}. */
export interface RequestIdOptions {
  /** Header to set; defaults to `X-Request-Id` (both servers echo it and log it; their CORS allows it). */
  header?: string;
  /** Makes an id; defaults to `req_` and 26 random hex digits. The servers accept `[A-Za-z0-9_.-]{1,64}`. */
  generate?: () => string;
}

/**
 * Middleware that gives every request an id (unless the caller set one), so a browser's call and the
 * server's log line can be matched. The retry helper resends the same request, so retries share the id.
 * @example client.use(requestIdMiddleware());
 */
export function requestIdMiddleware(options: RequestIdOptions = {}): Middleware {
  const header = options.header ?? "X-Request-Id";
  const generate = options.generate ?? randomRequestId;
  return {
    onRequest({ request }) {
      if (!request.headers.has(header)) request.headers.set(header, generate());
      return request;
    },
  };
}

/** `req_` and 26 random hex digits; uses getRandomValues, which (unlike randomUUID) also works on plain-http origins. */
function randomRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(13));
  return `req_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Options of {@link authRefreshMiddleware}. */
export interface AuthRefreshOptions {
  /**
   * Returns the credential to send. Called with `refresh: false` before each request (return a cached
   * token) and with `refresh: true` after a 401 (fetch a new one). 401s of requests sent with the same token share one refresh.
   */
  getToken: (request: { refresh: boolean }) => string | Promise<string>;
  /** Authorization scheme; `Bearer` for Altostrat JWTs (default), `bearer` for Alloy API keys. */
  scheme?: string;
}

/**
 * Middleware that sets `Authorization` from `getToken` and, when the answer is 401, gets a fresh token
 * and sends the request once more; a second 401 is returned to the caller as it is. The request is
 * resent with the client's `fetch` (so a retry wrapper applies to it too).
 * @example client.use(authRefreshMiddleware({ getToken: ({ refresh }) => (refresh ? session.refresh() : session.token) }));
 */
export function authRefreshMiddleware(options: AuthRefreshOptions): Middleware {
  const scheme = options.scheme ?? "Bearer";
  // Each request in flight: a copy taken before fetch consumes its body, and the token it carries.
  const pending = new Map<string, { copy: Request; token: string }>();
  let latest: string | undefined; // the token getToken returned last
  let refreshing: Promise<string> | undefined;
  const remember = (token: string) => (latest = token);
  const refresh = () => {
    refreshing ??= Promise.resolve(options.getToken({ refresh: true })).then(remember).finally(() => (refreshing = undefined));
    return refreshing;
  };
  return {
    async onRequest({ request, id }) {
      const token = remember(await (refreshing ?? options.getToken({ refresh: false })));
      request.headers.set("Authorization", `${scheme} ${token}`);
      pending.set(id, { copy: request.clone(), token });
      return request;
    },
    async onResponse({ request, response, id, options: client }) {
      const sent = pending.get(id);
      pending.delete(id);
      if (response.status !== 401 || !sent) return undefined;
      // A 401 for a token that has been replaced meanwhile (another request refreshed it) needs no new refresh.
      const token = refreshing || sent.token === latest ? await refresh() : latest!;
      // Headers set by middleware that ran later than this one are on `request`; its body is spent.
      const headers = new Headers(request.headers);
      headers.set("Authorization", `${scheme} ${token}`);
      await discardBody(response);
      return client.fetch(new Request(sent.copy, { headers }));
    },
    onError({ id }) {
      pending.delete(id);
      return undefined;
    },
  };
}
