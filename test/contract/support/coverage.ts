import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import path from "node:path";
import type { Json } from "../../support/openapi-schema.ts";
import { REPO_ROOT } from "../../support/run-script.ts";
import { isObject, loadApiSpec, type ApiName, type SpecOperationInfo } from "./spec-index.ts";

/** The contract layers that record what they exercise. */
export type CoverageLayer = "scenarios" | "arazzo" | "fuzz";

/** Version of the record format; `npm run coverage:contract` refuses files of another version. */
export const COVERAGE_FORMAT = 1;

/** First line of every record file: which run, layer and target wrote it. */
export interface CoverageHeader {
  type: "run";
  format: number;
  /** Shared by every file one test run writes (see {@link coverageRunId}). */
  run: string;
  layer: CoverageLayer;
  /** `mock`, `server` or `deployment`. */
  target: string;
  /** What kind of target: a deployment is a real server too. */
  kind: "mock" | "server";
  pid: number;
  /** When the file was started (ISO 8601). */
  at: string;
}

/** One request and its answer, as the coverage report needs it (never a credential, an id or a body). */
export interface CoverageExchange {
  type: "exchange";
  api: ApiName;
  /** The operation the request reached, or null when it reached none (an unknown route). */
  operation: string | null;
  method: string;
  /** The operation's path template, or null. */
  path: string | null;
  status: number;
  /** The documented named example the answer is an instance of, when it can be told. */
  example?: string;
  /** Documented query and header parameters the request carried (`query:per_page`, `header:Idempotency-Key`). */
  sent: string[];
  /** Required query and header parameters the request left out. */
  omitted: string[];
  /** Which scenario, Arazzo step or fuzz property sent it. */
  by: string;
}

/** What a layer hands the recorder for one request. */
export interface ExchangeInput {
  api: ApiName;
  method: string;
  /** Absolute URL (or path with query) the request was sent to. */
  url: string;
  headers: Headers | Record<string, string>;
  status: number;
  /** The parsed JSON body of the answer, if any. */
  body?: unknown;
  by: string;
}

/** Where a layer writes what it exercised. */
export interface CoverageRecorder {
  readonly file: string;
  record(input: ExchangeInput): void;
}

/** Folder of the record files: `coverage/contract/` (gitignored), or CONTRACT_COVERAGE_DIR. */
export function coverageDir(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(REPO_ROOT, env.CONTRACT_COVERAGE_DIR ?? "coverage/contract");
}

/**
 * The id every record file of one test run carries. CONTRACT_COVERAGE_RUN when it is set (to join
 * several vitest invocations into one run); otherwise the identity of the vitest process: test files
 * run in worker processes forked by it (or in threads of it), so every file of one `vitest run`
 * shares it, and no earlier run has it (its start time, from /proc where there is one, tells a
 * reused process id apart).
 */
export function coverageRunId(env: Record<string, string | undefined> = process.env): string {
  if (env.CONTRACT_COVERAGE_RUN) return env.CONTRACT_COVERAGE_RUN;
  const forkedByVitest = env.VITEST_POOL_ID !== undefined && typeof process.send === "function";
  const main = forkedByVitest ? process.ppid : process.pid;
  return `pid-${main}-${processStartTicks(main) ?? "x"}`;
}

function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

const open = new Map<string, number>();

/**
 * A recorder writing JSON lines to `<dir>/<layer>-<target>.jsonl`. The first write of a process
 * starts the file afresh unless it already belongs to this run (another process of the same run
 * wrote it), so a file never mixes runs; files of earlier runs that this run does not rewrite keep
 * their old run id, and the report ignores them.
 */
export function createCoverageRecorder(layer: CoverageLayer, target: { label: string; kind: "mock" | "server" }, env: Record<string, string | undefined> = process.env): CoverageRecorder {
  const dir = coverageDir(env);
  const file = path.join(dir, `${layer}-${target.label}.jsonl`);
  const run = coverageRunId(env);
  const fd = () => {
    let handle = open.get(file);
    if (handle !== undefined) return handle;
    mkdirSync(dir, { recursive: true });
    const sameRun = readRunOf(file) === run;
    handle = openSync(file, sameRun ? "a" : "w");
    if (!sameRun) {
      const header: CoverageHeader = { type: "run", format: COVERAGE_FORMAT, run, layer, target: target.label, kind: target.kind, pid: process.pid, at: new Date().toISOString() };
      writeSync(handle, `${JSON.stringify(header)}\n`);
    }
    open.set(file, handle);
    return handle;
  };
  return {
    file,
    record(input) {
      writeSync(fd(), `${JSON.stringify(describeExchange(input, target.kind))}\n`);
    },
  };
}

/** Closes the files this process writes (they are also closed when it exits). */
export function closeCoverageRecorders(): void {
  for (const handle of open.values()) closeSync(handle);
  open.clear();
}

/** The run id in a record file's header line, if the file exists and has one. */
function readRunOf(file: string): string | undefined {
  let handle: number | undefined;
  try {
    handle = openSync(file, "r");
    const buffer = Buffer.alloc(4096);
    const first = buffer.subarray(0, readSync(handle, buffer, 0, buffer.length, 0)).toString("utf8").split("\n", 1)[0] ?? "";
    return (JSON.parse(first) as Partial<CoverageHeader>).run;
  } catch {
    return undefined;
  } finally {
    if (handle !== undefined) closeSync(handle);
  }
}

/** Turns one request and answer into a record: the operation it reached, what it sent, which example answered. */
export function describeExchange(input: ExchangeInput, kind: "mock" | "server"): CoverageExchange {
  const url = new URL(input.url, "http://coverage.invalid");
  const method = input.method.toUpperCase();
  // Express ignores a trailing slash; so does the operation lookup.
  const op = reachedOperation(input.api, method, url.pathname.replace(/(.)\/+$/, "$1"));
  const header = (name: string) => (input.headers instanceof Headers ? input.headers.get(name) : (Object.entries(input.headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? null));
  const sent: string[] = [];
  const omitted: string[] = [];
  for (const p of op?.parameters ?? []) {
    if (p.in === "path") continue;
    const present = p.in === "query" ? url.searchParams.has(p.name) : header(p.name) !== null;
    if (present) sent.push(`${p.in}:${p.name}`);
    else if (p.required) omitted.push(`${p.in}:${p.name}`);
  }
  // Only the mock obeys `Prefer` (the Arazzo steps send it to the server too, which ignores it).
  const example = op ? exampleOf(op, input.status, input.body, kind === "mock" ? header("prefer") : undefined) : undefined;
  return {
    type: "exchange",
    api: input.api,
    operation: op?.operationId ?? null,
    method,
    path: op?.path ?? null,
    status: input.status,
    ...(example ? { example } : {}),
    sent,
    omitted,
    by: input.by,
  };
}

/**
 * The operation a request reached: the one whose path template matches it with the parameters'
 * patterns, else the one whose template matches it segment by segment (the server routes an ID of the
 * wrong shape to its operation, which answers 400 naming it), the more literal segments the better.
 */
function reachedOperation(api: ApiName, method: string, urlPath: string): SpecOperationInfo | undefined {
  const spec = loadApiSpec(api);
  const exact = spec.findOperation(method, urlPath);
  if (exact) return exact;
  const segments = urlPath.split("/");
  const candidates = spec.operations
    .filter((op) => op.method === method.toLowerCase())
    .map((op) => ({ op, template: op.path.split("/") }))
    .filter(({ template }) => template.length === segments.length && template.every((t, i) => t.startsWith("{") || t === segments[i]))
    .map(({ op, template }) => ({ op, literals: template.filter((t) => !t.startsWith("{")).length }))
    .sort((a, b) => b.literals - a.literals);
  // Two templates equally literal (`/workflows/runs/logs`) leave the route to the server: count neither.
  return candidates.length === 1 || (candidates[0] && candidates[0].literals > candidates[1]!.literals) ? candidates[0]!.op : undefined;
}

/**
 * Which named example of the answer's status the answer is an instance of. On the static mock, the
 * one `Prefer` asked for when that status has it, else Prism's choice, the status's first example.
 * On a server, the only example whose `code` and `status` agree with the body's (error codes, run
 * states), then whose first problem is in the same part of the request; undefined when that does
 * not single one out.
 */
function exampleOf(op: SpecOperationInfo, status: number, body: unknown, prefer: string | null | undefined): string | undefined {
  const examples = examplesOf(op, status);
  if (examples.length === 0) return undefined;
  if (prefer !== undefined) {
    const asked = /(?:^|[,;\s])example=([^,;\s]+)/.exec(prefer ?? "")?.[1];
    return asked && examples.some(([name]) => name === asked) ? asked : examples[0]![0];
  }
  const keys = ["code", "status"] as const;
  const matching = examples.filter(([, value]) => keys.every((k) => !isObject(value) || !isObject(body) || value[k] === undefined || body[k] === undefined || value[k] === body[k]));
  if (matching.length === 1) return matching[0]![0];
  // Examples of one error code told apart by where the first problem is (`/params`, `/query`, `/headers`, `/body`).
  const located = matching.filter(([, value]) => locationOf(value) !== undefined && locationOf(value) === locationOf(body));
  return located.length === 1 ? located[0]![0] : undefined;
}

function locationOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const problems = Array.isArray(body.errors) ? body.errors : Array.isArray(body.details) ? body.details : [];
  const first = problems[0];
  return isObject(first) && typeof first.path === "string" ? first.path.split("/")[1] : undefined;
}

function examplesOf(op: SpecOperationInfo, status: number): [string, unknown][] {
  const spec = loadApiSpec(op.api);
  const responses = (spec.doc.paths as Record<string, Record<string, { responses?: Record<string, Json> }>>)[op.path]?.[op.method]?.responses;
  const response = spec.resolve(responses?.[String(status)] ?? null);
  const content = isObject(response) && isObject(response.content) ? response.content["application/json"] : undefined;
  const examples = isObject(content) && isObject(content.examples) ? content.examples : {};
  return Object.entries(examples).map(([name, example]) => {
    const resolved = spec.resolve(example);
    return [name, isObject(resolved) ? resolved.value : undefined];
  });
}
