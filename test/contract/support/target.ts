import type { Where } from "./checks.ts";

/** Credentials of one account on a target. */
export interface TargetTenant {
  /** Altostrat bearer token (JWT). */
  token: string;
  /** Alloy API key. */
  apiKey: string;
}

/** Resources a target provides because no contract operation can create them (Alloy has no create endpoint). */
export interface TargetFixtures {
  /** An Alloy workflow of `tenant` whose executions finish quickly. */
  alloyWorkflowId?: string;
  /** An Alloy workflow of `tenant` whose executions stay unfinished for a while (a delay node). */
  alloySlowWorkflowId?: string;
  /** An Alloy workflow of `tenant` whose executions wait for a person's input at step `approve` (a ui_interaction node). */
  alloyApprovalWorkflowId?: string;
}

/** Something the scenarios can run against: the Prism mock, the in-process server, or a deployment. */
export interface ContractTarget {
  /** Name used in reports and test names: `mock`, `server`, `deployment`. */
  label: string;
  /** Which checks apply: a deployment is a real server, so it runs the `server` checks. */
  kind: Where;
  altostratUrl: string;
  /** Undefined when the target does not serve Alloy (its scenarios are then reported as not run). */
  alloyUrl?: string;
  tenant: TargetTenant;
  /** A second account, for isolation checks. */
  other?: TargetTenant;
  fixtures: TargetFixtures;
  /** True when the URLs are Prism validating proxies whose `sl-violations` must be read. */
  proxied: boolean;
  stop(): Promise<void>;
}

/** Builds Prism's `Prefer` header (`code=…, example=…`), sent only to the mock; a real server decides from its state. */
export function preferHeader(kind: Where, answer: { code?: number; example?: string }): Record<string, string> {
  if (kind !== "mock") return {};
  const parts = [answer.code !== undefined ? `code=${answer.code}` : "", answer.example ? `example=${answer.example}` : ""].filter(Boolean);
  return parts.length > 0 ? { Prefer: parts.join(", ") } : {};
}
