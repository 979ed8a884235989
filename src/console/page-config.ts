import type { ApiName } from "./operations.ts";

/** What the page serving the console tells it: the defaults of its form. */
export interface ConsoleConfig {
  /** The API the console opens on. */
  api?: ApiName;
  /** Root URL of each API; an API without one is called on the page's own origin. */
  baseUrls?: Partial<Record<ApiName, string>>;
  /** The workflow each API opens on (e.g. the contract's example ID, for the mock). */
  workflowIds?: Partial<Record<ApiName, string>>;
}

/** The placeholder in generated/console/index.html that the serving side replaces. */
const CONFIG_SLOT = '<script type="application/json" id="console-config">{}</script>';

/**
 * The console page with its configuration embedded as JSON (no extra request: the page's only calls
 * are the API's). `<` is escaped so no value can close the script element.
 */
export function renderConsolePage(html: string, config: ConsoleConfig): string {
  if (!html.includes(CONFIG_SLOT)) throw new Error("The console page has no configuration slot; rebuild it with `npm run generate`.");
  const json = JSON.stringify(config).replaceAll("<", "\\u003c");
  return html.replace(CONFIG_SLOT, () => CONFIG_SLOT.replace("{}", () => json));
}
