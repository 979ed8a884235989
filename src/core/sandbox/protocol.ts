import type { NodeErrorCode } from "../components/node-error.ts";
import type { SandboxFailureCode, TaskLimits } from "./pool.ts";
import type { SandboxTask, TaskAnswer } from "./tasks.ts";

/** Pool → sandbox process: one task with its output limit. */
export interface ChildRequest {
  id: number;
  task: SandboxTask;
  maxOutputBytes: number;
}

/** Sandbox process → pool: the task's answer, or why the tenant's code failed. */
export type ChildReply =
  | { id: number; ok: true; answer: TaskAnswer }
  | { id: number; ok: false; code: NodeErrorCode; message: string };

/** Server → supervisor: one task with its account and limits. */
export interface SupervisorRequest {
  id: number;
  task: SandboxTask;
  limits: TaskLimits;
}

/** Supervisor → server: the task's answer, or why it failed. */
export type SupervisorReply =
  | { id: number; ok: true; answer: TaskAnswer }
  | { id: number; ok: false; code: SandboxFailureCode; message: string };
