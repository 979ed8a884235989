import type { ApiName } from "./operations.ts";
import type { ConsoleConfig } from "./page-config.ts";

/** Where the console points and with which credential: all it needs to switch between mock and server. */
export interface ConsoleSettings {
  api: ApiName;
  baseUrl: string;
  /** Altostrat JWT or Alloy API key. */
  token: string;
  workflowId: string;
}

const API_NAMES: readonly ApiName[] = ["altostrat", "alloy"];

/**
 * The settings a page opens with: `?api=`, `?baseUrl=` and `?workflow=` first, then the served
 * configuration, then the page's own origin. The credential is never put in the URL: it is kept in
 * the tab's session storage, one per API.
 */
export function readInitialSettings(url: URL, config: ConsoleConfig, storage: Pick<Storage, "getItem">): ConsoleSettings {
  const asked = url.searchParams.get("api");
  const api = API_NAMES.find((name) => name === asked) ?? config.api ?? "altostrat";
  const baseUrl = url.searchParams.get("baseUrl") ?? config.baseUrls?.[api] ?? url.origin;
  const workflowId = url.searchParams.get("workflow") ?? config.workflowIds?.[api] ?? "";
  return { api, baseUrl, token: storage.getItem(tokenKey(api)) ?? "", workflowId };
}

/** Remembers the settings: the credential in session storage, the rest in the address bar (for reloads and links). */
export function keepSettings(settings: ConsoleSettings, storage: Pick<Storage, "setItem">, history: Pick<History, "replaceState">, url: URL): void {
  storage.setItem(tokenKey(settings.api), settings.token);
  const next = new URL(url);
  next.searchParams.set("api", settings.api);
  next.searchParams.set("baseUrl", settings.baseUrl);
  next.searchParams.set("workflow", settings.workflowId);
  history.replaceState(null, "", next);
}

/** Reads the configuration the serving page embedded as JSON in `<script id="console-config">`. */
export function readEmbeddedConfig(doc: Document): ConsoleConfig {
  const text = doc.getElementById("console-config")?.textContent ?? "{}";
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" ? (parsed as ConsoleConfig) : {};
  } catch {
    return {};
  }
}

function tokenKey(api: ApiName): string {
  return `reprise-console-token-${api}`;
}
