import { describe, expect, it } from "vitest";
import { assertTransition, canTransition, isRerunnable, isTerminal } from "../../src/core/index.ts";
import { CANCELLABLE_STATUSES, RERUNNABLE_STATUSES } from "../../src/core/state-machine.ts";
import { RUN_STATUSES, RUN_TRANSITIONS, type RunStatus } from "../../src/domain/index.ts";

const STATUSES = Object.keys(RUN_TRANSITIONS) as RunStatus[];

describe("run state machine", () => {
  const table: { given: [RunStatus, RunStatus]; want: boolean; why: string }[] = [
    { given: ["pending", "running"], want: true, why: "a worker claims it" },
    { given: ["pending", "completed"], want: false, why: "nothing runs without a claim" },
    { given: ["pending", "failed"], want: true, why: "a queued or delayed run is cancelled" },
    { given: ["running", "completed"], want: true, why: "every node succeeded" },
    { given: ["running", "failed"], want: true, why: "a node failed or the run was abandoned" },
    { given: ["running", "pending"], want: true, why: "durable delay or graceful release" },
    { given: ["running", "running"], want: true, why: "reclaim after an expired lease" },
    { given: ["running", "awaiting_ui_interaction"], want: true, why: "a step waits for a person" },
    { given: ["awaiting_ui_interaction", "pending"], want: true, why: "the person answered" },
    { given: ["awaiting_ui_interaction", "failed"], want: true, why: "the wait was abandoned" },
    { given: ["awaiting_ui_interaction", "completed"], want: false, why: "it must run again first" },
    { given: ["completed", "pending"], want: false, why: "finished runs are immutable; rerun makes a new run" },
    { given: ["completed", "running"], want: false, why: "finished runs are immutable" },
    { given: ["failed", "pending"], want: false, why: "finished runs are immutable" },
    { given: ["failed", "completed"], want: false, why: "finished runs are immutable" },
  ];
  it.each(table)("$given.0 → $given.1 is $want ($why)", ({ given: [from, to], want }) => {
    expect(canTransition(from, to)).toBe(want);
    if (want) expect(() => assertTransition(from, to)).not.toThrow();
    else expect(() => assertTransition(from, to)).toThrow(`${from} → ${to}`);
  });

  it.each([
    { given: "pending", terminal: false, rerunnable: false, cancellable: true },
    { given: "running", terminal: false, rerunnable: false, cancellable: true },
    { given: "awaiting_ui_interaction", terminal: false, rerunnable: false, cancellable: true },
    { given: "completed", terminal: true, rerunnable: true, cancellable: false },
    { given: "failed", terminal: true, rerunnable: true, cancellable: false },
  ] as const)("$given: terminal=$terminal rerunnable=$rerunnable cancellable=$cancellable", ({ given, terminal, rerunnable, cancellable }) => {
    expect(isTerminal(given)).toBe(terminal);
    expect(isRerunnable(given)).toBe(rerunnable);
    expect(CANCELLABLE_STATUSES.includes(given)).toBe(cancellable);
  });

  it("lists every status as a source", () => {
    expect(STATUSES.sort()).toEqual(["awaiting_ui_interaction", "completed", "failed", "pending", "running"]);
    expect([...RUN_STATUSES].sort()).toEqual(STATUSES);
  });

  it("reruns exactly the finished statuses, in the vocabulary's order", () => {
    expect(RERUNNABLE_STATUSES).toEqual(["completed", "failed"]);
  });
});
