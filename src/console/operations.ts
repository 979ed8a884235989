/** One operation of a contract as the console knows it: read from the bundle when the console is built. */
export interface ContractOperation {
  operationId: string;
  /** Lower-case HTTP method, as in the spec. */
  method: string;
  /** The path template, e.g. `/workflows/runs/{runId}/rerun`. */
  path: string;
  /** The first example of the JSON request body, if the operation documents one. */
  requestExample?: unknown;
}

/** The two APIs the console speaks. */
export type ApiName = "altostrat" | "alloy";

/** Every operation of each contract, by API. */
export type ContractOperations = Record<ApiName, readonly ContractOperation[]>;
