export { createSandbox } from "./client.ts";
export {
  defaultSandboxProcesses,
  DEFAULT_SANDBOX_OPTIONS,
  SandboxError,
  type Sandbox,
  type SandboxFailureCode,
  type SandboxOptions,
  type TaskLimits,
} from "./pool.ts";
export type { RenderedRequest, SandboxTask, TaskAnswer } from "./tasks.ts";
export { serializeBounded, OutputTooLargeError } from "./output-size.ts";
export { createInThreadSandbox } from "./in-thread.ts";
