// A client of the admin API (openapi/admin/admin.yaml), shared by the CLI commands and by
// `reprise contract --provision`. Plain JavaScript for the same reason as ./admin-file.mjs.

/** The admin API answered with an error (`status` and the body's `code`), or could not be reached (`status` 0). */
export class AdminRequestError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "AdminRequestError";
    this.status = status;
    this.code = code;
  }
}

/**
 * @param {{ url: string, token: string, fetcher?: typeof fetch }} options
 */
export function createAdminClient({ url, token, fetcher = fetch }) {
  const base = url.replace(/\/+$/, "");
  async function post(pathname, body) {
    let response;
    try {
      response = await fetcher(`${base}${pathname}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body ?? {}),
      });
    } catch (error) {
      throw new AdminRequestError(0, "unreachable", `the admin listener at ${base} did not answer (${error.cause?.code ?? error.message})`);
    }
    const text = await response.text();
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      throw new AdminRequestError(response.status, parsed?.code ?? "unknown", `the admin listener answered ${response.status}: ${parsed?.message ?? text.slice(0, 200)}`);
    }
    return { status: response.status, body: parsed };
  }
  const account = (id) => `/admin/accounts/${encodeURIComponent(id)}`;
  return {
    url: base,
    ensureAccount: async (input) => (await post("/admin/accounts", input)).body,
    createApiKey: async (accountId, input = {}) => (await post(`${account(accountId)}/api-keys`, input)).body,
    mintToken: async (accountId, input = {}) => (await post(`${account(accountId)}/tokens`, input)).body,
    importWorkflow: async (accountId, input) => (await post(`${account(accountId)}/workflows`, input)).body,
  };
}
