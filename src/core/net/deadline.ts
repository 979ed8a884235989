/** Why a deadline's signal aborted when its time ran out. */
export class DeadlineExceededError extends Error {
  override readonly name = "TimeoutError";
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** A time limit for one piece of work, also ended by a parent signal (the worker stopping). */
export interface Deadline {
  /** Aborts when the time runs out (reason: DeadlineExceededError) or the parent aborts (its reason). */
  readonly signal: AbortSignal;
  /** True once the time ran out (not when the parent aborted). */
  readonly expired: boolean;
  /** Stops the timer and lets go of the parent; call when the work ends, however it ends. */
  clear(): void;
}

/**
 * Starts a deadline. Unlike `AbortSignal.timeout()`, whose timer holds its signal only weakly (a
 * signal nothing else references, e.g. one passed through `AbortSignal.any`, can be collected and
 * then never abort), the timer here holds its controller strongly until it fires or is cleared.
 */
export function startDeadline(parent: AbortSignal, timeoutMs: number): Deadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DeadlineExceededError(timeoutMs));
  }, timeoutMs);
  const onParentAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener("abort", onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    clear() {
      clearTimeout(timer);
      parent.removeEventListener("abort", onParentAbort);
    },
  };
}

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it aborts (for work that
 * takes no signal). `onLate` receives a value that arrives after the abort, to release it.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, onLate?: (value: T) => void): Promise<T> {
  if (signal.aborted) {
    promise.then((value) => onLate?.(value), () => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) onLate?.(value);
        else resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}
