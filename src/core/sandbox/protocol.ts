import type { NodeErrorCode } from "../../domain/index.ts";
import type { SandboxFailureCode, TaskLimits } from "./pool.ts";
import type { SandboxTask, TaskAnswer } from "./tasks.ts";

/** One task on its way: to a sandbox process with its output limit, to the supervisor with its account and limits. */
interface TaskRequest<Limits> {
  id: number;
  task: SandboxTask;
  limits: Limits;
}

/** A task's answer, or why it failed, with the codes the sender can produce. */
type TaskReply<Code extends string> = { id: number; ok: true; answer: TaskAnswer } | { id: number; ok: false; code: Code; message: string };

/** Pool → sandbox process. */
export type ChildRequest = TaskRequest<{ maxOutputBytes: number }>;
/** Sandbox process → pool: the tenant's code answered or failed (kills and crashes are the pool's to tell). */
export type ChildReply = TaskReply<NodeErrorCode>;
/** Server → supervisor. */
export type SupervisorRequest = TaskRequest<TaskLimits>;
/** Supervisor → server. */
export type SupervisorReply = TaskReply<SandboxFailureCode>;
