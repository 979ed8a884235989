import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describeMachine, type Machine } from "./machine.ts";
import { describePinning } from "./pin.ts";

/** One row of a figure's table: what was measured, its value, and the target it is held to. */
export interface Row {
  measure: string;
  value: string;
  target?: string;
  /** true met, false not met, undefined: informational. */
  met?: boolean;
}

/** One figure: a titled table with the inputs that produced it. */
export interface Figure {
  id: string;
  title: string;
  command: string;
  inputs: Record<string, string>;
  rows: Row[];
  notes?: string[];
}

const RESULTS_DIR = fileURLToPath(new URL("../results/", import.meta.url));
const RESULTS_MD = fileURLToPath(new URL("../RESULTS.md", import.meta.url));
const START = "<!-- results:start (written by npm run bench; edit outside these markers) -->";
const END = "<!-- results:end -->";

/** Renders a figure as markdown: inputs line, table, notes. */
export function renderFigure(fig: Figure): string {
  const inputs = Object.entries(fig.inputs)
    .map(([k, v]) => `${k}: ${v}`)
    .join("; ");
  const lines = [`### ${fig.title}`, "", `\`${fig.command}\` — ${inputs}`, "", "| measure | value | target | met |", "|---|---|---|---|"];
  for (const row of fig.rows) {
    const met = row.met === undefined ? "" : row.met ? "yes" : "**no**";
    lines.push(`| ${row.measure} | ${row.value} | ${row.target ?? ""} | ${met} |`);
  }
  for (const note of fig.notes ?? []) lines.push("", note);
  return lines.join("\n");
}

/** Prints a figure, saves it as results/<id>.json and refreshes the generated part of RESULTS.md. */
export function publishFigure(fig: Figure): void {
  console.log(`\n${renderFigure(fig)}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const machine = describeMachine();
  writeFileSync(`${RESULTS_DIR}${fig.id}.json`, `${JSON.stringify({ ...fig, machine, at: new Date().toISOString() }, null, 2)}\n`);
  refreshResultsMarkdown();
}

/** Rewrites the section between the markers of RESULTS.md from every saved figure. */
export function refreshResultsMarkdown(): void {
  const saved = readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(`${RESULTS_DIR}${f}`, "utf8")) as Figure & { machine: Machine; at: string });
  const machines = [...new Set(saved.map((f) => formatMachine(f.machine)))];
  const body = [
    START,
    "",
    `Machine: ${machines.join(" / ")}. Placement: ${describePinning()}.`,
    "",
    ...saved.map((f) => `${renderFigure(f)}\n\n_Measured ${f.at}._\n`),
    END,
  ].join("\n");
  const current = existsSync(RESULTS_MD) ? readFileSync(RESULTS_MD, "utf8") : `# Benchmark results\n\n${START}\n${END}\n`;
  const at = current.indexOf(START);
  const end = current.indexOf(END);
  const next = at >= 0 && end > at ? current.slice(0, at) + body + current.slice(end + END.length) : `${current}\n${body}\n`;
  writeFileSync(RESULTS_MD, next);
}

function formatMachine(m: Machine): string {
  return `${m.nproc} × ${m.cpu}, ${m.memGb} GB RAM, Node ${m.node}, ${m.os}`;
}
