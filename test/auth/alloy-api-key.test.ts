import { describe, expect, it } from "vitest";
import { createApiKeyAuthenticator } from "../../src/auth/index.ts";
import { displayPrefixOf, generateApiKey, hashApiKey } from "../../src/shared/api-key.ts";
import { refusal } from "./support/refusal.ts";

/** A store of one key, counting lookups, with a revocation switch. */
function createKeyStore(plaintext: string, accountId = "acc_1") {
  let revoked = false;
  let lookups = 0;
  return {
    resolveKey: async (key: string) => {
      lookups += 1;
      return !revoked && key === plaintext ? accountId : null;
    },
    revoke: () => (revoked = true),
    lookups: () => lookups,
  };
}

describe("createApiKeyAuthenticator", () => {
  const { plaintext } = generateApiKey();

  const headers: { given: string | undefined; want: string }[] = [
    { given: `Bearer ${plaintext}`, want: "acc_1" },
    { given: `bearer ${plaintext}`, want: "acc_1" },
    { given: `BEARER ${plaintext}`, want: "acc_1" },
    { given: `Bearer   ${plaintext} `, want: "acc_1" },
    { given: undefined, want: "missing" },
    { given: "", want: "missing" },
    { given: plaintext, want: "malformed" },
    { given: `Basic ${plaintext}`, want: "malformed" },
    { given: `Bearer ${plaintext} extra`, want: "malformed" },
    { given: "Bearer alloy_short", want: "invalid" },
    { given: `Bearer ${plaintext.replace("alloy_", "other_")}`, want: "invalid" },
  ];
  it.each(headers)("reads Authorization $given as $want", async ({ given, want }) => {
    const authenticator = createApiKeyAuthenticator({ resolveKey: createKeyStore(plaintext).resolveKey });
    if (want.startsWith("acc_")) {
      await expect(authenticator.authenticate(given)).resolves.toEqual({ accountId: want, keyPrefix: displayPrefixOf(plaintext) });
    } else {
      expect((await refusal(authenticator.authenticate(given))).reason).toBe(want);
    }
  });

  it("refuses a well-formed key the store does not know", async () => {
    const store = createKeyStore(plaintext);
    const authenticator = createApiKeyAuthenticator({ resolveKey: store.resolveKey });
    const error = await refusal(authenticator.authenticate(`Bearer ${generateApiKey().plaintext}`));
    expect([error.reason, error.message]).toEqual(["invalid", "The API key is missing or invalid."]);
    expect(store.lookups()).toBe(1);
  });

  it("does not ask the store for a header that cannot hold a key", async () => {
    const store = createKeyStore(plaintext);
    const authenticator = createApiKeyAuthenticator({ resolveKey: store.resolveKey });
    await refusal(authenticator.authenticate("Bearer alloy_short"));
    expect(store.lookups()).toBe(0);
  });

  it("asks the store once per TTL, so revocation takes effect within the TTL", async () => {
    let now = 0;
    const store = createKeyStore(plaintext);
    const authenticator = createApiKeyAuthenticator({ resolveKey: store.resolveKey, cacheTtlMs: 30_000, clock: () => now });
    await authenticator.authenticate(`Bearer ${plaintext}`);
    store.revoke();
    now = 29_999;
    await expect(authenticator.authenticate(`Bearer ${plaintext}`)).resolves.toMatchObject({ accountId: "acc_1" });
    expect(store.lookups()).toBe(1);
    now = 30_000;
    await refusal(authenticator.authenticate(`Bearer ${plaintext}`));
    expect(store.lookups()).toBe(2);
  });

  it("forgets a revoked key at once when told", async () => {
    const store = createKeyStore(plaintext);
    const authenticator = createApiKeyAuthenticator({ resolveKey: store.resolveKey, clock: () => 0 });
    await authenticator.authenticate(`Bearer ${plaintext}`);
    store.revoke();
    authenticator.forgetHash(hashApiKey(plaintext));
    await refusal(authenticator.authenticate(`Bearer ${plaintext}`));
  });

  it("shares one store lookup among concurrent requests with a cold key", async () => {
    const store = createKeyStore(plaintext);
    const authenticator = createApiKeyAuthenticator({ resolveKey: store.resolveKey });
    await Promise.all(Array.from({ length: 10 }, () => authenticator.authenticate(`Bearer ${plaintext}`)));
    expect(store.lookups()).toBe(1);
  });

  it("does not cache unknown keys, so a key works the moment it is stored", async () => {
    const known = new Map<string, string>();
    const authenticator = createApiKeyAuthenticator({ resolveKey: async (key) => known.get(key) ?? null, clock: () => 0 });
    await refusal(authenticator.authenticate(`Bearer ${plaintext}`));
    known.set(plaintext, "acc_2");
    await expect(authenticator.authenticate(`Bearer ${plaintext}`)).resolves.toMatchObject({ accountId: "acc_2" });
  });

  it("lets store failures through unchanged and retries them next time", async () => {
    let calls = 0;
    const authenticator = createApiKeyAuthenticator({
      resolveKey: async () => {
        calls += 1;
        if (calls === 1) throw new Error("store down");
        return "acc_3";
      },
    });
    await expect(authenticator.authenticate(`Bearer ${plaintext}`)).rejects.toThrow("store down");
    await expect(authenticator.authenticate(`Bearer ${plaintext}`)).resolves.toMatchObject({ accountId: "acc_3" });
  });
});
