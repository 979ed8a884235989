/** One item's answer from a batch flush: its value, or the error only that item gets. */
export type BatchResult<O> = { ok: true; value: O } | { ok: false; error: unknown };

/** Submits items that are written together with whatever else is waiting. */
export interface GroupCommit<I, O> {
  submit(item: I): Promise<O>;
  /** Items waiting or being written. */
  readonly pending: number;
}

/**
 * Group commit: items submitted while a flush is in flight (or in the same turn of the event loop)
 * are written by the next flush, all in one call. A lone item waits one `setImmediate` at most;
 * under load the batch grows by itself, so the store sees one statement per batch instead of one
 * per item. `flush` answers every item in order; if it throws, every item of that batch gets the error.
 */
export function createGroupCommit<I, O>(flush: (items: I[]) => Promise<BatchResult<O>[]>, options: { maxBatch?: number } = {}): GroupCommit<I, O> {
  const maxBatch = Math.max(1, options.maxBatch ?? 256);
  type Waiting = { item: I; resolve: (value: O) => void; reject: (err: unknown) => void };
  let queue: Waiting[] = [];
  let flushing = false;
  let scheduled = false;
  let inFlight = 0;

  const run = async (): Promise<void> => {
    scheduled = false;
    if (flushing) return;
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        inFlight = batch.length;
        let results: BatchResult<O>[];
        try {
          results = await flush(batch.map((w) => w.item));
        } catch (err) {
          results = batch.map(() => ({ ok: false, error: err }));
        }
        batch.forEach((w, i) => {
          const result = results[i] ?? { ok: false, error: new Error("The batch gave no answer for this item") };
          if (result.ok) w.resolve(result.value);
          else w.reject(result.error);
        });
        inFlight = 0;
      }
    } finally {
      flushing = false;
    }
  };

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!flushing && !scheduled) {
          scheduled = true;
          setImmediate(() => void run());
        }
      });
    },
    get pending() {
      return queue.length + inFlight;
    },
  };
}
