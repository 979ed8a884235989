/** The custom event the quick workflow subscribes to (Alloy's `POST /run/event`). */
export const CONTRACT_EVENT = "contract.order_paid";

/**
 * The name of the target's quick Alloy workflow (`alloyWorkflowId`), for `workflowName`; a deployment
 * names its fixture workflow so, and subscribes it to {@link CONTRACT_EVENT}.
 */
export const QUICK_WORKFLOW_NAME = "contract quick";

/** A workflow whose runs finish at once: the trigger (subscribed to {@link CONTRACT_EVENT}), then a transform that reads the payload. */
export const QUICK_DEFINITION = {
  nodes: [
    { id: "n1", type: "trigger" as const, config: { event: CONTRACT_EVENT } },
    { id: "n2", type: "transform" as const, config: { expression: "{ 'order': trigger.order_id }" } },
  ],
  edges: [{ source: "n1", target: "n2" }],
};

/** A workflow whose runs stay unfinished for a minute (a durable delay), to provoke `run_not_rerunnable`. */
export const SLOW_DEFINITION = {
  nodes: [
    { id: "n1", type: "trigger" as const },
    { id: "n2", type: "delay" as const, config: { seconds: 60 } },
  ],
  edges: [{ source: "n1", target: "n2" }],
};

/** The name of the approval Alloy workflow (`alloyApprovalWorkflowId`) the targets provision. */
export const APPROVAL_WORKFLOW_NAME = "contract approval";

/**
 * A workflow whose runs wait for a person at `approve` (a ui_interaction node with a one-hour timeout)
 * and then record the decision: the input must be `{ approved: boolean, note?: string }`.
 */
export const APPROVAL_DEFINITION = {
  nodes: [
    { id: "n1", type: "trigger" as const },
    { id: "n2", type: "transform" as const, config: { expression: "{ 'amount': trigger.amount }" } },
    {
      id: "approve",
      type: "ui_interaction" as const,
      config: {
        prompt: "Approve this order?",
        timeout_seconds: 3600,
        input_schema: {
          type: "object",
          required: ["approved"],
          additionalProperties: false,
          properties: { approved: { type: "boolean" }, note: { type: "string", maxLength: 200 } },
        },
      },
    },
    { id: "n4", type: "transform" as const, config: { expression: "{ 'approved': nodes.approve.approved, 'amount': nodes.n2.amount }" } },
  ],
  edges: [
    { source: "n1", target: "n2" },
    { source: "n2", target: "approve" },
    { source: "approve", target: "n4" },
  ],
};

/** The trigger payload the scenarios send. */
export const ORDER = { order_id: "ord_1042", amount: 129.9, currency: "EUR" };

/** A run id in the right shape that names no run. */
export const UNKNOWN_RUN_ID = "fl_run_0000000000000000000000zzzz";
/** A workflow id in the right shape that names no workflow. */
export const UNKNOWN_WORKFLOW_ID = "fl_wf_0000000000000000000000zzzz";
/** An Alloy execution id in the right shape that names no execution. */
export const UNKNOWN_EXECUTION_ID = "00000000-0000ffff";
/** An Alloy workflow id in the right shape that names no workflow. */
export const UNKNOWN_ALLOY_WORKFLOW_ID = "0000000000000000ffffffff";

/** More characters than a server's default body limit (BODY_LIMIT, 1 MB) takes, to provoke 413. */
export const OVER_BODY_LIMIT = 1024 * 1024 + 1;

/** Statuses of a run or execution that has stopped. */
export const FINISHED = new Set(["completed", "failed"]);

/** A fresh key for `Idempotency-Key`. */
export function newKey(label: string): string {
  return `contract-${label}-${crypto.randomUUID()}`;
}

/** Bearer tokens the server must refuse: unsigned (`alg: none`), signed with a foreign secret, or garbage. */
export async function forgeTokens(): Promise<Record<"algNone" | "foreignSecret" | "garbage", string>> {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = { account_id: "acc_forged", sub: "acc_forged", exp: Math.floor(Date.now() / 1000) + 3600 };
  const unsigned = `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`;
  const { SignJWT } = await import("jose");
  const foreign = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode("a-secret-this-server-has-never-seen-0123456789"));
  return { algNone: unsigned, foreignSecret: foreign, garbage: "not.a.jwt" };
}
