import type { WorkflowDefinition } from "../../src/core/index.ts";
import { APPROVAL_DEFINITION, SLOW_DEFINITION } from "../contract/support/scenarios/definitions.ts";

// The workflow definitions every test layer runs (engine, HTTP, contract, fuzz, faults, benchmarks),
// each as small as its behaviour allows. The engine and both APIs take them as they are.

/** trigger → transform: completes with `{ echo: <trigger> }`. */
export const ECHO = {
  nodes: [
    { id: "n1", type: "trigger" },
    { id: "n2", type: "transform", config: { expression: "{ 'echo': trigger }" } },
  ],
  edges: [{ source: "n1", target: "n2" }],
} satisfies WorkflowDefinition;

/** trigger → transform(n1) → transform(n2): n2 reads n1's output; `{ value: 5 }` logs `{ doubled: 10 }`, then 11. */
export const LINEAR = {
  nodes: [
    { id: "start", type: "trigger" },
    { id: "n1", type: "transform", config: { expression: "{ 'doubled': trigger.value * 2 }" } },
    { id: "n2", type: "transform", config: { expression: "nodes.n1.doubled + 1" } },
  ],
  edges: [
    { source: "start", target: "n1" },
    { source: "n1", target: "n2" },
  ],
} satisfies WorkflowDefinition;

/** trigger → fail(boom): every run fails with "value <trigger.value> rejected". */
export const FAILING = {
  nodes: [
    { id: "start", type: "trigger" },
    { id: "boom", type: "fail", config: { message: "value {{ trigger.value }} rejected" } },
  ],
  edges: [{ source: "start", target: "boom" }],
} satisfies WorkflowDefinition;

/** trigger → delay 60 s: the run stays pending or running for the whole test. */
export const SLOW = SLOW_DEFINITION satisfies WorkflowDefinition;

/** trigger → condition(trigger.ok) → true: transform n3 / false: fail n4. */
export const BRANCHING = {
  nodes: [
    { id: "n1", type: "trigger" },
    { id: "n2", type: "condition", config: { expression: "trigger.ok = true" } },
    { id: "n3", type: "transform", config: { expression: "{ 'accepted': true }" } },
    { id: "n4", type: "fail", config: { message: "not ok" } },
  ],
  edges: [
    { source: "n1", target: "n2" },
    { source: "n2", target: "n3", branch: "true" },
    { source: "n2", target: "n4", branch: "false" },
  ],
} satisfies WorkflowDefinition;

/** trigger → transform n2 → ui_interaction `approve` ({ approved: boolean, note? }, 1 h) → transform n4 reading the decision. */
export const APPROVAL = APPROVAL_DEFINITION satisfies WorkflowDefinition;
