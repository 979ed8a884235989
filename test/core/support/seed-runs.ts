import { randomBytes } from "node:crypto";
import type { Db } from "../../../src/store/index.ts";

/** What a batch of seeded runs looks like; every run of a batch is alike but for its id and time. */
export interface SeedRuns {
  accountId: string;
  workflowId: string;
  count: number;
  status?: "completed" | "failed" | "pending" | "running";
  triggerType?: "manual" | "webhook" | "event" | "rerun" | "resume";
  endUserId?: string | null;
  /** The first run's creation time; each next one is `stepMs` later. */
  from: Date;
  stepMs?: number;
  idStyle?: "altostrat" | "alloy";
}

/**
 * Inserts finished (or unfinished) runs in one statement, as if they had been executed: a bulk
 * rerun's sources, by the thousand, without executing them. Returns their ids in creation order.
 */
export async function seedRuns(db: Db, s: SeedRuns): Promise<string[]> {
  const tag = randomBytes(4).toString("hex");
  const idExpr = s.idStyle === "alloy" ? `$9 || '-' || lpad(to_hex(i), 8, '0')` : `'fl_run_' || $9 || lpad(i::text, 18, '0')`;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO runs (id, account_id, end_user_id, workflow_id, workflow_version, status, trigger_type, trigger_payload,
                       created_at, started_at, completed_at, available_at, attempts)
     SELECT ${idExpr}, $1, $2, $3, 1, $4, $5, jsonb_build_object('value', i),
            $6::timestamptz + make_interval(secs => i * $7::double precision / 1000), NULL,
            CASE WHEN $4 IN ('completed', 'failed') THEN $6::timestamptz + make_interval(secs => i * $7::double precision / 1000) END,
            $6::timestamptz + make_interval(secs => i * $7::double precision / 1000), 0
     FROM generate_series(0, $8 - 1) AS i
     ORDER BY i
     RETURNING id`,
    [s.accountId, s.endUserId ?? null, s.workflowId, s.status ?? "completed", s.triggerType ?? "manual", s.from, s.stepMs ?? 1, s.count, s.idStyle === "alloy" ? tag : tag.slice(0, 8)],
  );
  return rows.map((r) => r.id);
}

/** How many runs were queued as reruns of each source, by source id. */
export async function countRerunsBySource(db: Db, accountId: string, workflowId: string): Promise<Map<string, number>> {
  const { rows } = await db.query<{ source: string; n: number }>(
    `SELECT rerun_of AS source, count(*)::int AS n FROM runs WHERE account_id = $1 AND workflow_id = $2 AND rerun_of IS NOT NULL GROUP BY rerun_of`,
    [accountId, workflowId],
  );
  return new Map(rows.map((r) => [r.source, r.n]));
}
