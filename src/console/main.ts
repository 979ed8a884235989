// The run console: lists a workflow's runs and reruns, resumes (and, once the contract has them, cancels
// or bulk-reruns) them through the typed clients in src/client. Bundled by `npm run build:console`.
import { createAlloySource } from "./alloy-source.ts";
import { createAltostratSource } from "./altostrat-source.ts";
import { el } from "./dom.ts";
import type { ContractOperations } from "./operations.ts";
import { findRunControls } from "./run-controls.ts";
import type { RunDetail, RunRow, RunSource } from "./run-source.ts";
import { keepSettings, readEmbeddedConfig, readInitialSettings, type ConsoleSettings } from "./settings.ts";
import { renderRunDetail, renderRunTable, type ListedRun, type ViewActions } from "./view.ts";

/** Every operation of both contracts, written into the bundle by the build (scripts/lib/console.mjs). */
declare const __CONSOLE_OPERATIONS__: ContractOperations;

/** How often unfinished runs are read again. */
const POLL_MS = 1000;

interface State {
  settings: ConsoleSettings;
  source: RunSource | null;
  runs: ListedRun[];
  /** Runs this page started, kept while the list does not show them (a static mock never does). */
  startedHere: Map<string, RunRow>;
  selectedId: string | null;
  detail: RunDetail | null;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = byId<HTMLFormElement>("connect");
const state: State = {
  settings: readInitialSettings(new URL(location.href), readEmbeddedConfig(document), sessionStorage),
  source: null,
  runs: [],
  startedHere: new Map(),
  selectedId: null,
  detail: null,
  timer: undefined,
};

const actions: ViewActions = {
  select(runId) {
    state.selectedId = runId;
    void refresh();
  },
  rerun: (runId) => act(`Rerun of ${runId}`, (source, workflowId) => source.rerun(workflowId, runId)),
  resumeFrom: (runId, nodeId) => act(`Resume of ${runId} from ${nodeId}`, (source) => source.resumeFrom(runId, nodeId)),
  cancel: (runId) =>
    act(`Cancel of ${runId}`, async (source, workflowId) => {
      const cancel = source.controls.cancel;
      if (!cancel) return "the contract has no cancel operation.";
      return `accepted ${JSON.stringify(await source.callDetected(cancel, { workflowId, runId, executionId: runId }))}`;
    }),
  deliverInput: (runId, nodeId, text) =>
    act(`Input for ${runId} at ${nodeId}`, async (source, workflowId) => {
      const input: unknown = JSON.parse(text);
      if (input === null || typeof input !== "object" || Array.isArray(input)) return "the input must be a JSON object.";
      return `delivered; the run is ${await source.deliverInput(workflowId, runId, nodeId, input as Record<string, unknown>)}.`;
    }),
};

/** Runs one action, reports its outcome, selects the run it started and refreshes. */
async function act(label: string, run: (source: RunSource, workflowId: string) => Promise<RunRow | string>): Promise<void> {
  const source = state.source;
  if (!source) return;
  try {
    const outcome = await run(source, state.settings.workflowId);
    if (typeof outcome === "string") report(`${label}: ${outcome}`);
    else {
      state.startedHere.set(outcome.id, outcome);
      state.selectedId = outcome.id;
      report(`${label} started run ${outcome.id}.`);
    }
  } catch (error) {
    report(`${label} failed: ${describe(error)}`, true);
  }
  await refresh();
}

/** Reads the list and the selected run again, draws them, and polls while any of them is unfinished. */
async function refresh(): Promise<void> {
  clearTimeout(state.timer);
  const source = state.source;
  if (!source) return;
  const workflowId = state.settings.workflowId;
  try {
    const listed = await source.listRuns(workflowId);
    await followStartedHere(source, workflowId, listed);
    if (state.source !== source) return;
    const extra = [...state.startedHere.values()].filter((run) => !listed.some((row) => row.id === run.id));
    state.runs = [...extra.map((run) => ({ ...run, startedHere: true })), ...listed.map((run) => ({ ...run, startedHere: state.startedHere.has(run.id) }))];
    const detail = state.selectedId ? await source.getRun(workflowId, state.selectedId) : null;
    // The form may have switched API or workflow while this read was under way: its answer is stale.
    if (state.source !== source) return;
    state.detail = detail;
    draw(source);
    byId("error").textContent = "";
  } catch (error) {
    if (state.source !== source) return;
    byId("error").textContent = describe(error);
  }
  const unfinished = state.runs.some((run) => !run.finished) || (state.detail !== null && !state.detail.finished);
  if (unfinished) state.timer = setTimeout(() => void refresh(), POLL_MS);
}

/** Brings the runs this page started, and that the list does not show, up to date from their own reads. */
async function followStartedHere(source: RunSource, workflowId: string, listed: readonly RunRow[]): Promise<void> {
  for (const [id, run] of state.startedHere) {
    if (run.finished || listed.some((row) => row.id === id)) continue;
    const read = await source.getRun(workflowId, id);
    state.startedHere.set(id, { ...read, id, rerunOf: run.rerunOf ?? read.rerunOf });
  }
}

function draw(source: RunSource): void {
  byId("runs").replaceWith(renderRunTable(state.runs, state.selectedId, source.controls, actions));
  const detail = state.detail && state.selectedId ? renderRunDetail(state.detail, state.selectedId, source.controls, actions) : el("section", { id: "detail" });
  const typing = readTypedInput();
  byId("detail").replaceWith(detail);
  restoreTypedInput(typing);
}

/** What the person is typing for a waiting run, so the page's polling redraw does not lose it. */
function readTypedInput(): { key: string; value: string; focused: boolean } | undefined {
  const box = document.getElementById("awaiting-input");
  const text = box?.querySelector("textarea");
  if (!box || !text) return undefined;
  return { key: `${box.dataset.runId}/${box.dataset.nodeId}`, value: text.value, focused: document.activeElement === text };
}

function restoreTypedInput(typing: ReturnType<typeof readTypedInput>): void {
  const box = document.getElementById("awaiting-input");
  const text = box?.querySelector("textarea");
  if (!typing || !box || !text || `${box.dataset.runId}/${box.dataset.nodeId}` !== typing.key) return;
  text.value = typing.value;
  if (typing.focused) text.focus();
}

function report(message: string, failed = false): void {
  const line = byId("message");
  line.textContent = message;
  line.className = failed ? "error-text" : "";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Builds the run source for the settings in the form; the controls come from the contract the console was built with. */
function connect(settings: ConsoleSettings): RunSource {
  const controls = findRunControls(settings.api, __CONSOLE_OPERATIONS__[settings.api]);
  return settings.api === "altostrat" ? createAltostratSource(settings.baseUrl, settings.token, controls) : createAlloySource(settings.baseUrl, settings.token, controls);
}

function readForm(): ConsoleSettings {
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
  return { api: value("api") === "alloy" ? "alloy" : "altostrat", baseUrl: value("baseUrl"), token: value("token"), workflowId: value("workflowId") };
}

function fillForm(settings: ConsoleSettings): void {
  for (const [name, value] of Object.entries(settings)) (form.elements.namedItem(name) as HTMLInputElement).value = value;
  byId("token-label").textContent = settings.api === "altostrat" ? "JWT" : "API key";
}

function drawWorkflowControls(source: RunSource): void {
  const bulk = source.controls.bulkRerun;
  const box = byId("workflow-controls");
  box.replaceChildren();
  if (!bulk) return;
  const body = el("textarea", { id: "bulk-body", rows: "3", "aria-label": "Bulk rerun request body (JSON)" }) as HTMLTextAreaElement;
  body.value = JSON.stringify(bulk.requestExample ?? {}, null, 2);
  const send = () =>
    act("Bulk rerun", async (s, workflowId) => {
      const answer = await s.callDetected(bulk, { workflowId }, JSON.parse(body.value));
      return `accepted ${JSON.stringify(answer)}`;
    });
  box.append(el("details", {}, el("summary", {}, "Bulk rerun"), body, el("button", { type: "button", onclick: () => void send() }, "Bulk rerun")));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  state.settings = readForm();
  keepSettings(state.settings, sessionStorage, history, new URL(location.href));
  state.source = connect(state.settings);
  state.startedHere.clear();
  state.selectedId = null;
  state.runs = [];
  state.detail = null;
  // Nothing of the previous API or workflow stays on the page (or clickable) while the new list loads.
  byId("runs").replaceWith(el("table", { id: "runs" }, el("tbody", {}, el("tr", {}, el("td", { class: "empty" }, "Loading…")))));
  byId("detail").replaceWith(el("section", { id: "detail" }));
  drawWorkflowControls(state.source);
  report(`Connected to ${state.settings.api} at ${state.settings.baseUrl}.`);
  void refresh();
});
(form.elements.namedItem("api") as HTMLSelectElement).addEventListener("change", () => {
  const api = readForm().api;
  fillForm(readInitialSettings(new URL(`?api=${api}`, location.href), readEmbeddedConfig(document), sessionStorage));
});
byId("refresh").addEventListener("click", () => void refresh());

fillForm(state.settings);
if (state.settings.token && state.settings.workflowId) form.requestSubmit();
