/**
 * Where the "runs of a workflow matching a filter" rule is written: cancel by filter and bulk rerun
 * both select runs with it. Each argument names the `$n` placeholder (with its cast) that carries the
 * value; a null value leaves that part of the filter open. Only placeholders are interpolated.
 */
export interface RunFilterParams {
  accountId: string;
  workflowId: string;
  /** A `text[]` of statuses. */
  statuses: string;
  /** A `timestamptz`: created at or after. */
  createdFrom: string;
  /** A `timestamptz`: created before. */
  createdTo: string;
  /** A `text`: only this end user's runs (Alloy's `userId`). */
  endUserId: string;
  /** A `text[]` of trigger types; omitted when the caller has no such filter. */
  triggerTypes?: string;
}

/** The WHERE conditions over `runs` (unaliased columns) for a filter whose values sit in the named placeholders. */
export function runFilterSql(p: RunFilterParams): string {
  return [
    `account_id = ${p.accountId}::text`,
    `(${p.workflowId}::text IS NULL OR workflow_id = ${p.workflowId}::text)`,
    `(${p.statuses}::text[] IS NULL OR status = ANY(${p.statuses}::text[]))`,
    `(${p.endUserId}::text IS NULL OR end_user_id = ${p.endUserId}::text)`,
    `(${p.createdFrom}::timestamptz IS NULL OR created_at >= ${p.createdFrom}::timestamptz)`,
    `(${p.createdTo}::timestamptz IS NULL OR created_at < ${p.createdTo}::timestamptz)`,
    ...(p.triggerTypes ? [`(${p.triggerTypes}::text[] IS NULL OR trigger_type = ANY(${p.triggerTypes}::text[]))`] : []),
  ].join(" AND ");
}
