export * from "./accounts.ts";
export * from "./workflows.ts";
export * from "./runs.ts";
export * from "./logs.ts";
export * from "./idempotency.ts";
export * from "./retention.ts";
export * from "./settle.ts";
