// Types of contract-coverage.mjs, for the tests that import it.

export const COVERAGE_FORMAT: number;
export const DEFAULT_RECORDS_DIR: string;
export const DEFAULT_CONFIG_FILE: string;

export interface SpecOperation {
  api: string;
  operationId: string;
  method: string;
  path: string;
  statuses: { status: string; examples: string[] }[];
  parameters: { in: "query" | "header"; name: string; required: boolean }[];
}

export interface RecordFile {
  file: string;
  run: string;
  at: string;
  layer: string;
  target: string;
  kind: "mock" | "server";
  records: number;
}

export interface Records {
  run?: { id: string; at: string; files: RecordFile[] };
  exchanges: Record<string, unknown>[];
  stale: RecordFile[];
  problems: string[];
}

export interface CoverageException {
  index: number;
  api: string;
  operation: string;
  status?: string;
  reason: string;
  items: { operationId: string; status: string }[];
}

export interface CoverageConfig {
  file: string;
  minimum: { operations: number; statuses: number };
  layers: string[];
  exceptions: CoverageException[];
  problems: string[];
}

export interface OperationCoverage {
  operationId: string;
  method: string;
  path: string;
  documented: string[];
  server: string[];
  mock: string[];
  byLayer: Record<string, string[]>;
  requests: { server: number; mock: number };
  missing: string[];
  excepted: { status: string; reason: string; exception: number }[];
  undocumented: { server: string[]; mock: string[] };
  examples: { status: string; name: string; server: boolean; mock: boolean }[];
  parameters: { in: string; name: string; required: boolean; sentOnServer: boolean; omittedOnServer?: boolean }[];
}

export interface ApiCoverage {
  api: string;
  file: string;
  operations: OperationCoverage[];
  unmatched: Record<string, Record<string, number>>;
  totals: Record<
    | "operations"
    | "operationsOnServer"
    | "operationsExcepted"
    | "statuses"
    | "statusesOnServer"
    | "statusesCountable"
    | "statusesExcepted"
    | "statusesOnMock"
    | "examples"
    | "examplesOnServer"
    | "examplesOnMock"
    | "examplesAnywhere",
    number
  >;
}

export interface Coverage {
  run?: Records["run"];
  stale: RecordFile[];
  configFile: string;
  minimum: CoverageConfig["minimum"];
  layers: string[];
  exceptions: CoverageException[];
  apis: ApiCoverage[];
  failures: string[];
  warnings: string[];
  ok: boolean;
}

export function readSpecOperations(api: string, doc: object): SpecOperation[];
export function readRecords(dir: string): Promise<Records>;
export function parseConfig(text: string, specs: { api: string; operations: SpecOperation[] }[], file?: string): CoverageConfig;
export function computeCoverage(input: { specs: { api: string; file: string; operations: SpecOperation[] }[]; records: Records; config: CoverageConfig }): Coverage;
export function formatTable(coverage: Coverage): string;
export function formatMarkdown(coverage: Coverage): string;
export function toJsonReport(coverage: Coverage): object;
