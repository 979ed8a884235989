import { describe, expect, it } from "vitest";
import { AuthError, createApiKeyAuthenticator, generateApiKey, hashApiKey } from "../../src/auth/index.ts";

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AuthError)) throw new Error(`expected AuthError, got ${String(error)}`);
  expect(error.code).toBe("unauthorized");
  return error;
}

/** A store of one key, counting lookups, with a revocation switch. */
function createKeyStore(plaintext: string, accountId = "acc_1") {
  let revoked = false;
  let lookups = 0;
  return {
    resolveHash: async (hash: string) => {
      lookups += 1;
      return !revoked && hash === hashApiKey(plaintext) ? accountId : null;
    },
    revoke: () => (revoked = true),
    lookups: () => lookups,
  };
}

describe("generateApiKey", () => {
  it("makes alloy_ keys of 40 base62 characters with their hash and display prefix", () => {
    const key = generateApiKey();
    expect(key.plaintext).toMatch(/^alloy_[0-9A-Za-z]{40}$/);
    expect(key.hash).toBe(hashApiKey(key.plaintext));
    expect(key.prefix).toBe(key.plaintext.slice(0, 12));
  });

  it("never repeats and uses the whole alphabet", () => {
    const keys = Array.from({ length: 500 }, () => generateApiKey().plaintext);
    expect(new Set(keys).size).toBe(500);
    const characters = new Set(keys.flatMap((key) => [...key.slice(6)]));
    expect(characters.size).toBe(62);
  });
});

describe("hashApiKey", () => {
  it("is SHA-256 in lowercase hex and deterministic", () => {
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const { plaintext } = generateApiKey();
    expect(hashApiKey(plaintext)).toBe(hashApiKey(plaintext));
  });
});

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
    const authenticator = createApiKeyAuthenticator({ resolveHash: createKeyStore(plaintext).resolveHash });
    if (want.startsWith("acc_")) {
      await expect(authenticator.authenticate(given)).resolves.toEqual({ accountId: want, keyPrefix: plaintext.slice(0, 12) });
    } else {
      expect((await refusal(authenticator.authenticate(given))).reason).toBe(want);
    }
  });

  it("refuses a well-formed key the store does not know", async () => {
    const store = createKeyStore(plaintext);
    const authenticator = createApiKeyAuthenticator({ resolveHash: store.resolveHash });
    const error = await refusal(authenticator.authenticate(`Bearer ${generateApiKey().plaintext}`));
    expect([error.reason, error.message]).toEqual(["invalid", "The API key is missing or invalid."]);
    expect(store.lookups()).toBe(1);
  });

  it("does not ask the store for a header that cannot hold a key", async () => {
    const store = createKeyStore(plaintext);
    const authenticator = createApiKeyAuthenticator({ resolveHash: store.resolveHash });
    await refusal(authenticator.authenticate("Bearer alloy_short"));
    expect(store.lookups()).toBe(0);
  });

  it("asks the store once per TTL, so revocation takes effect within the TTL", async () => {
    let now = 0;
    const store = createKeyStore(plaintext);
    const authenticator = createApiKeyAuthenticator({ resolveHash: store.resolveHash, cacheTtlMs: 30_000, clock: () => now });
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
    const authenticator = createApiKeyAuthenticator({ resolveHash: store.resolveHash, clock: () => 0 });
    await authenticator.authenticate(`Bearer ${plaintext}`);
    store.revoke();
    authenticator.forgetHash(hashApiKey(plaintext));
    await refusal(authenticator.authenticate(`Bearer ${plaintext}`));
  });

  it("shares one store lookup among concurrent requests with a cold key", async () => {
    const store = createKeyStore(plaintext);
    const authenticator = createApiKeyAuthenticator({ resolveHash: store.resolveHash });
    await Promise.all(Array.from({ length: 10 }, () => authenticator.authenticate(`Bearer ${plaintext}`)));
    expect(store.lookups()).toBe(1);
  });

  it("does not cache unknown keys, so a key works the moment it is stored", async () => {
    const known = new Map<string, string>();
    const authenticator = createApiKeyAuthenticator({ resolveHash: async (hash) => known.get(hash) ?? null, clock: () => 0 });
    await refusal(authenticator.authenticate(`Bearer ${plaintext}`));
    known.set(hashApiKey(plaintext), "acc_2");
    await expect(authenticator.authenticate(`Bearer ${plaintext}`)).resolves.toMatchObject({ accountId: "acc_2" });
  });

  it("lets store failures through unchanged and retries them next time", async () => {
    let calls = 0;
    const authenticator = createApiKeyAuthenticator({
      resolveHash: async () => {
        calls += 1;
        if (calls === 1) throw new Error("store down");
        return "acc_3";
      },
    });
    await expect(authenticator.authenticate(`Bearer ${plaintext}`)).rejects.toThrow("store down");
    await expect(authenticator.authenticate(`Bearer ${plaintext}`)).resolves.toMatchObject({ accountId: "acc_3" });
  });
});
