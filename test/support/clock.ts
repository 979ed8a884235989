/** A clock tests move by hand. */
export interface ManualClock {
  (): Date;
  advance(ms: number): void;
  set(at: Date | string): void;
}

/** Creates a manual clock starting at `start`. */
export function createManualClock(start: Date | string = "2025-10-31T12:00:00.000Z"): ManualClock {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as ManualClock;
  clock.advance = (ms) => void (now += ms);
  clock.set = (at) => void (now = new Date(at).getTime());
  return clock;
}
