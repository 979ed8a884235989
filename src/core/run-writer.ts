import { settleRuns, StoreUnavailableError, type Db, type Settlement } from "../store/index.ts";
import { findUnstorableText } from "../shared/unstorable-text.ts";
import { createGroupCommit, type BatchResult } from "./group-commit.ts";

/**
 * How a settlement ended: written; written but the run's cancel was requested (a defer was not
 * applied: the run is still held, for its worker to end); not written because the lease was lost; or
 * refused by the store (a value it cannot hold, e.g. a NUL character in an output), in which case the
 * run was failed instead.
 */
export type SettleResult = "written" | "cancel_requested" | "lease_lost" | "refused";

/** Writes what workers did with the runs they hold. */
export interface RunWriter {
  settle(settlement: Settlement): Promise<SettleResult>;
}

/**
 * Group-commits settlements: the runs of a claim batch finish at about the same moment, and their
 * logs and final states go to the store in one statement. A batch the statement refuses is retried
 * one run at a time, so only the run carrying the bad value is affected: it is failed instead of being
 * retried until abandoned, with a reason the tenant can act on (never the store's own error text).
 */
export function createRunWriter(db: Db, options: { maxBatch?: number; clock?: () => Date } = {}): RunWriter {
  const clock = options.clock ?? (() => new Date());
  const writeAlone = async (s: Settlement): Promise<BatchResult<SettleResult>> => {
    try {
      return { ok: true, value: resultOf(s, await settleRuns(db, [s])) };
    } catch (err) {
      if (err instanceof StoreUnavailableError) return { ok: false, error: err };
      try {
        const outcome = { kind: "finish", status: "failed", errorMessage: refusalMessage(s), at: clock() } as const;
        const failed = await settleRuns(db, [{ runId: s.runId, owner: s.owner, attempt: s.attempt, logs: [], outcome }]);
        return { ok: true, value: failed.has(s.runId) ? "refused" : "lease_lost" };
      } catch (error) {
        return { ok: false, error };
      }
    }
  };
  const batch = createGroupCommit<Settlement, SettleResult>(async (settlements) => {
    try {
      const written = await settleRuns(db, settlements);
      return settlements.map((s) => ({ ok: true, value: resultOf(s, written) }));
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      return Promise.all(settlements.map(writeAlone));
    }
  }, options);
  return { settle: (settlement) => batch.submit(settlement) };
}

/** A finish stands even when a cancel was requested meanwhile: the work it reports was done. */
function resultOf(s: Settlement, written: Map<string, { cancelRequested: boolean }>): SettleResult {
  const row = written.get(s.runId);
  if (!row) return "lease_lost";
  return row.cancelRequested && s.outcome.kind !== "finish" ? "cancel_requested" : "written";
}

/** Why the store refused a run's results, in the tenant's terms: the node whose output it cannot hold. */
function refusalMessage(s: Settlement): string {
  const log = s.logs.find((l) => findUnstorableText(l.output, "") !== undefined);
  if (log) return `The output of node '${log.nodeId}' cannot be stored: it contains the character U+0000 or an unpaired UTF-16 surrogate.`;
  return "The run's results could not be stored.";
}
