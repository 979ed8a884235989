// Whether a base URL answers HTTP at all, for targets given as URLs (npm run test:contract -- --target=<url>).

/**
 * Sends one GET to `url` and resolves with undefined when anything answers (whatever the status: a
 * 401 or 404 still proves a server is there), or with a short reason when nothing does: the
 * connection was refused, the name does not resolve, TLS failed, or no answer came in time.
 * @param {string} url
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<string | undefined>}
 */
export async function whyUnreachable(url, { timeoutMs = 5000 } = {}) {
  try {
    const response = await fetch(url, { method: "GET", redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return undefined;
  } catch (error) {
    if (error?.name === "TimeoutError") return `no answer within ${timeoutMs / 1000} s`;
    const cause = error?.cause;
    return cause?.message || cause?.code || error?.message || String(error);
  }
}
