import { createHash } from "node:crypto";

/** SHA-256 hex of an API key: keys are long and random, so a fast hash suffices and allows lookup by hash. */
export function hashApiKey(plaintext: string): string {
  return createHash("sha256").update(plaintext, "utf8").digest("hex");
}
