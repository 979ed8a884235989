import { randomBytes, randomInt } from "node:crypto";
import type { IdStyle } from "../domain/index.ts";

/** Generates every identifier the engine writes; injectable for deterministic tests. */
export interface IdGenerator {
  account(): string;
  apiKey(): string;
  workflow(style: IdStyle): string;
  run(style: IdStyle): string;
  log(): string;
  webhookToken(): string;
  /** A worker's lease owner name. */
  worker(): string;
}

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * Lowercase ULIDs (26 chars of [0-9a-z]), monotonic within one millisecond so ids sort in
 * creation order; time comes from the injected clock.
 */
export function createUlidFactory(clock: () => Date = () => new Date()): () => string {
  let lastMs = -1;
  let lastRandom: number[] = [];
  return () => {
    const ms = clock().getTime();
    if (ms === lastMs) {
      increment(lastRandom);
    } else {
      lastMs = ms;
      lastRandom = [...randomBytes(16)].map((b) => b % 32);
    }
    let time = "";
    let t = Math.max(0, Math.floor(ms));
    for (let i = 0; i < 10; i++) {
      time = CROCKFORD[t % 32] + time;
      t = Math.floor(t / 32);
    }
    return time + lastRandom.map((d) => CROCKFORD[d]).join("");
  };
}

function increment(digits: number[]): void {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i]! < 31) {
      digits[i]!++;
      return;
    }
    digits[i] = 0;
  }
}

/** Random characters from `alphabet`, without modulo bias. */
export function randomString(alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** The id formats shared with both API contracts (see the plan's ID table). */
export function createIdGenerator(clock: () => Date = () => new Date()): IdGenerator {
  const ulid = createUlidFactory(clock);
  return {
    account: () => `acct_${ulid()}`,
    apiKey: () => `key_${ulid()}`,
    workflow: (style) => (style === "alloy" ? randomBytes(12).toString("hex") : `fl_wf_${ulid()}`),
    run: (style) => (style === "alloy" ? `${randomBytes(4).toString("hex")}-${randomBytes(4).toString("hex")}` : `fl_run_${ulid()}`),
    log: () => `fl_log_${ulid()}`,
    webhookToken: () => `whk_${randomString(BASE36, 32)}`,
    worker: () => `wk_${randomString(BASE36, 12)}`,
  };
}
