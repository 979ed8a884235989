import { el, formatTime, statusBadge } from "./dom.ts";
import type { RunControls } from "./run-controls.ts";
import type { RunDetail, RunRow } from "./run-source.ts";

/** What the page does when a button is pressed. */
export interface ViewActions {
  select(runId: string): void;
  rerun(runId: string): void;
  resumeFrom(runId: string, nodeId: string): void;
  cancel(runId: string): void;
  /** `text` is the JSON object the person typed. */
  deliverInput(runId: string, nodeId: string, text: string): void;
}

/** A run in the list, and whether this page started it (a static mock never lists those). */
export interface ListedRun extends RunRow {
  startedHere: boolean;
}

/** The table of a workflow's runs, newest first, with lineage and per-run buttons. */
export function renderRunTable(runs: readonly ListedRun[], selectedId: string | null, controls: RunControls, actions: ViewActions): HTMLElement {
  const head = el("tr", {}, ...["Run", "Status", "Trigger", "Started", "Ended", "Reruns", ""].map((title) => el("th", {}, title)));
  const rows = runs.map((run) =>
    el(
      "tr",
      { "data-run-id": run.id, "data-status": run.status, class: run.id === selectedId ? "selected" : undefined },
      el("td", {}, el("button", { class: "link", type: "button", title: "Show its node logs", onclick: () => actions.select(run.id) }, run.id), run.startedHere ? el("span", { class: "note" }, " started here") : null),
      el("td", {}, statusBadge(run.status)),
      el("td", {}, run.trigger ?? "—"),
      el("td", {}, formatTime(run.startedAt)),
      el("td", {}, formatTime(run.endedAt)),
      el("td", { class: "lineage" }, run.rerunOf ? lineageLink(run.rerunOf, actions) : "—"),
      el("td", { class: "actions" }, ...runButtons(run, controls, actions)),
    ),
  );
  const body = rows.length > 0 ? rows : [el("tr", {}, el("td", { colspan: "7", class: "empty" }, "This workflow has no runs yet."))];
  return el("table", { id: "runs" }, el("thead", {}, head), el("tbody", {}, ...body));
}

/** One run's summary and its node logs, with Resume-from buttons on finished runs. */
export function renderRunDetail(run: RunDetail, askedId: string, controls: RunControls, actions: ViewActions): HTMLElement {
  const canResume = controls.resumeFrom && run.finished;
  const head = ["Node", "Component", "Status", "Started", "Finished", "Output", ...(canResume ? [""] : [])].map((title) => el("th", {}, title));
  const rows = run.logs.map((log) =>
    el(
      "tr",
      { "data-node-id": log.nodeId },
      el("td", {}, log.nodeId),
      el("td", {}, log.component ?? "—"),
      el("td", {}, statusBadge(log.status)),
      el("td", {}, formatTime(log.startedAt)),
      el("td", {}, formatTime(log.endedAt)),
      el("td", {}, el("pre", {}, JSON.stringify(log.output, null, 2))),
      canResume ? el("td", {}, el("button", { type: "button", onclick: () => actions.resumeFrom(run.id, log.nodeId) }, "Resume from here")) : null,
    ),
  );
  return el(
    "section",
    { id: "detail", "data-run-id": askedId, "data-status": run.status },
    el("h2", {}, "Run ", el("code", {}, askedId), " ", statusBadge(run.status)),
    run.id !== askedId ? el("p", { class: "warning" }, `The API answered with run ${run.id}: a static mock answers every id with its example.`) : null,
    el("p", {}, `Trigger: ${run.trigger ?? "—"} · started ${formatTime(run.startedAt)} · ended ${formatTime(run.endedAt)}`, run.rerunOf ? el("span", {}, " · ", lineageLink(run.rerunOf, actions)) : null),
    run.error ? el("p", { class: "error-text" }, run.error) : null,
    run.awaitingNode ? renderInputForm(run.id, run.awaitingNode, actions) : null,
    el("h3", {}, "Node logs"),
    run.logs.length > 0 ? el("table", { class: "logs" }, el("thead", {}, el("tr", {}, ...head)), el("tbody", {}, ...rows)) : el("p", { class: "empty" }, "No node has run yet."),
  );
}

/** The form that answers a run waiting for a person: a JSON object for the node it waits at. */
function renderInputForm(runId: string, nodeId: string, actions: ViewActions): HTMLElement {
  const text = el("textarea", { id: "input-body", rows: "4", "aria-label": `Input for node ${nodeId} (a JSON object)` }) as HTMLTextAreaElement;
  text.value = "{}";
  return el(
    "section",
    { id: "awaiting-input", "data-run-id": runId, "data-node-id": nodeId },
    el("h3", {}, "Waiting for input at ", el("code", {}, nodeId)),
    text,
    el("button", { type: "button", onclick: () => actions.deliverInput(runId, nodeId, text.value) }, "Deliver input"),
  );
}

function lineageLink(rerunOf: string, actions: ViewActions): HTMLElement {
  return el("span", {}, "reruns ", el("button", { class: "link", type: "button", "data-reruns": rerunOf, onclick: () => actions.select(rerunOf) }, rerunOf));
}

function runButtons(run: RunRow, controls: RunControls, actions: ViewActions): HTMLElement[] {
  const buttons: HTMLElement[] = [];
  // The server refuses a rerun of an unfinished run (409); the button says so before anyone asks.
  if (controls.rerun) buttons.push(el("button", { type: "button", disabled: !run.finished, title: run.finished ? "Rerun with the same input" : "Only finished runs can be rerun", onclick: () => actions.rerun(run.id) }, "Rerun"));
  if (controls.cancel) buttons.push(el("button", { type: "button", disabled: run.finished, onclick: () => actions.cancel(run.id) }, "Cancel"));
  return buttons;
}
