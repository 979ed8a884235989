/** Attributes and event handlers of {@link el}: strings become attributes, functions `on<event>` listeners. */
type Props = Record<string, string | boolean | undefined | ((event: Event) => void)>;

/**
 * Creates an element with attributes and children. Text is always set as text, never parsed as HTML,
 * so run data (outputs, error messages) cannot inject markup.
 */
export function el(tag: string, props: Props = {}, ...children: Array<Node | string | null | undefined | false>): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, "");
    else if (typeof value === "string") node.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** A date-time as `YYYY-MM-DD HH:MM:SS.mmm` (UTC), or a dash. */
export function formatTime(value: string | null): string {
  if (!value) return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString().replace("T", " ").replace("Z", "");
}

/** A status as a coloured badge (the colour comes from the stylesheet, by `data-status`). */
export function statusBadge(status: string | null): HTMLElement {
  return el("span", { class: "status", "data-status": status ?? "unknown" }, status ?? "—");
}
