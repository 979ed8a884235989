export * from "./harness/index.ts";
export * from "./scenarios/index.ts";
