import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJwtVerifier, mintDevToken, type JwtVerifierOptions } from "../../src/auth/index.ts";
import { refusal } from "./support/refusal.ts";

const SECRET = "test-secret-that-is-long-enough-for-hs256!";
const NOW_MS = 1_800_000_000_000;
const NOW = NOW_MS / 1000;

function createClock(start = NOW_MS): { now: () => number; advance: (seconds: number) => void } {
  let current = start;
  return { now: () => current, advance: (seconds) => (current += seconds * 1000) };
}

function secretVerifier(overrides: Partial<JwtVerifierOptions> = {}) {
  return createJwtVerifier({
    secret: SECRET,
    algorithms: ["HS256"],
    accountClaim: "account_id",
    clockSkewSeconds: 30,
    clock: () => NOW_MS,
    ...overrides,
  });
}

function signHs256(payload: JWTPayload, secret: string | Uint8Array = SECRET, alg = "HS256"): Promise<string> {
  const key = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(key);
}

describe("HS256 verification", () => {
  it("accepts a good token and returns its account and subject", async () => {
    const token = await signHs256({ account_id: "acc_1", sub: "user_1", exp: NOW + 60 });
    await expect(secretVerifier().verify(`Bearer ${token}`)).resolves.toEqual({ accountId: "acc_1", subject: "user_1" });
  });

  const timing: { name: string; claims: JWTPayload; want: "accepted" | "expired" | "not_yet_valid" }[] = [
    { name: "expired beyond the skew", claims: { exp: NOW - 31 }, want: "expired" },
    { name: "expired within the skew", claims: { exp: NOW - 10 }, want: "accepted" },
    { name: "nbf beyond the skew", claims: { exp: NOW + 600, nbf: NOW + 60 }, want: "not_yet_valid" },
    { name: "nbf within the skew", claims: { exp: NOW + 600, nbf: NOW + 10 }, want: "accepted" },
  ];
  it.each(timing)("token $name is $want", async ({ claims, want }) => {
    const token = await signHs256({ account_id: "acc_1", ...claims });
    const result = secretVerifier().verify(`Bearer ${token}`);
    if (want === "accepted") {
      await expect(result).resolves.toEqual({ accountId: "acc_1" });
    } else {
      expect((await refusal(result)).reason).toBe(want);
    }
  });

  it("says plainly that an expired token has expired", async () => {
    const token = await signHs256({ account_id: "acc_1", exp: NOW - 3600 });
    expect((await refusal(secretVerifier().verify(`Bearer ${token}`))).message).toBe("The bearer token has expired.");
  });

  it("refuses alg none", async () => {
    const token = new UnsecuredJWT({ account_id: "acc_1", exp: NOW + 60 }).encode();
    expect((await refusal(secretVerifier().verify(`Bearer ${token}`))).reason).toBe("invalid");
  });

  it("refuses a token signed with another secret", async () => {
    const token = await signHs256({ account_id: "acc_1", exp: NOW + 60 }, "another-secret-that-is-also-long-enough");
    const error = await refusal(secretVerifier().verify(`Bearer ${token}`));
    expect([error.reason, error.message]).toEqual(["invalid", "The bearer token is missing or invalid."]);
  });

  it("refuses HS512 when only HS256 is pinned", async () => {
    const token = await signHs256({ account_id: "acc_1", exp: NOW + 60 }, SECRET, "HS512");
    expect((await refusal(secretVerifier().verify(`Bearer ${token}`))).reason).toBe("invalid");
  });

  it("refuses an RS256 token when HS256 is pinned", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const token = await new SignJWT({ account_id: "acc_1", exp: NOW + 60 }).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
    expect((await refusal(secretVerifier().verify(`Bearer ${token}`))).reason).toBe("invalid");
  });

  const claims: { name: string; payload: JWTPayload; message: string }[] = [
    { name: "no account claim", payload: { exp: NOW + 60, sub: "u" }, message: "The bearer token has no usable 'account_id' claim." },
    { name: "an empty account claim", payload: { exp: NOW + 60, account_id: "" }, message: "The bearer token has no usable 'account_id' claim." },
    { name: "a numeric account claim", payload: { exp: NOW + 60, account_id: 42 }, message: "The bearer token has no usable 'account_id' claim." },
    { name: "no exp", payload: { account_id: "acc_1" }, message: "The bearer token has no 'exp' claim." },
  ];
  it.each(claims)("refuses a token with $name", async ({ payload, message }) => {
    const token = await signHs256(payload);
    const error = await refusal(secretVerifier().verify(`Bearer ${token}`));
    expect([error.reason, error.message]).toEqual(["claim", message]);
  });

  it("checks issuer and audience when configured", async () => {
    const verifier = secretVerifier({ issuer: "https://id.example", audience: "reprise" });
    const good = await signHs256({ account_id: "a", exp: NOW + 60, iss: "https://id.example", aud: "reprise" });
    const wrongAudience = await signHs256({ account_id: "a", exp: NOW + 60, iss: "https://id.example", aud: "other" });
    await expect(verifier.verify(`Bearer ${good}`)).resolves.toEqual({ accountId: "a" });
    expect((await refusal(verifier.verify(`Bearer ${wrongAudience}`))).message).toBe("The bearer token's 'aud' claim is not accepted.");
  });

  const headers: { given: string | undefined; want: string }[] = [
    { given: undefined, want: "missing" },
    { given: "", want: "missing" },
    { given: "Basic dXNlcjpwYXNz", want: "malformed" },
    { given: "Bearer", want: "malformed" },
    { given: "Bearer a b", want: "malformed" },
    { given: "Bearer not-a-jwt", want: "invalid" },
    { given: `Bearer ${"a".repeat(9000)}`, want: "malformed" },
  ];
  it.each(headers)("refuses Authorization $given as $want", async ({ given, want }) => {
    expect((await refusal(secretVerifier().verify(given))).reason).toBe(want);
  });

  it("accepts the scheme in any case", async () => {
    const token = await signHs256({ account_id: "acc_1", exp: NOW + 60 });
    await expect(secretVerifier().verify(`bEaReR ${token}`)).resolves.toEqual({ accountId: "acc_1" });
  });
});

describe("verified-token cache", () => {
  it("answers a repeated token from the cache until exp plus skew", async () => {
    const clock = createClock();
    const verifier = secretVerifier({ clock: clock.now });
    const token = await signHs256({ account_id: "acc_1", exp: NOW + 60 });
    const first = await verifier.verify(`Bearer ${token}`);
    expect(await verifier.verify(`Bearer ${token}`)).toBe(first); // same object: no second verification
    clock.advance(89);
    expect(await verifier.verify(`Bearer ${token}`)).toBe(first);
    clock.advance(1);
    expect((await refusal(verifier.verify(`Bearer ${token}`))).reason).toBe("expired");
  });

  it("evicts the least recently used token beyond its size", async () => {
    const verifier = secretVerifier({ cacheSize: 2 });
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((id) => signHs256({ account_id: id, exp: NOW + 60 })));
    const firstA = await verifier.verify(`Bearer ${a}`);
    const firstB = await verifier.verify(`Bearer ${b}`);
    expect(await verifier.verify(`Bearer ${a}`)).toBe(firstA); // a is now the most recent
    await verifier.verify(`Bearer ${c}`); // evicts b
    expect(await verifier.verify(`Bearer ${a}`)).toBe(firstA);
    const againB = await verifier.verify(`Bearer ${b}`);
    expect(againB).toEqual(firstB);
    expect(againB).not.toBe(firstB);
  });

  it("does not cache refusals, so a token becomes usable once its nbf passes", async () => {
    const clock = createClock();
    const verifier = secretVerifier({ clock: clock.now, clockSkewSeconds: 0 });
    const token = await signHs256({ account_id: "acc_1", exp: NOW + 600, nbf: NOW + 60 });
    expect((await refusal(verifier.verify(`Bearer ${token}`))).reason).toBe("not_yet_valid");
    clock.advance(60);
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({ accountId: "acc_1" });
  });
});

describe("JWKS verification", () => {
  let server: Server;
  let jwksUrl: string;
  let fetches = 0;
  let failing = false;
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  let ec: Awaited<ReturnType<typeof generateKeyPair>>;
  const countingFetch: JwtVerifierOptions["fetcher"] = (url, init) => {
    fetches += 1;
    return fetch(url, init);
  };

  beforeAll(async () => {
    rsa = await generateKeyPair("RS256", { extractable: true });
    ec = await generateKeyPair("ES256", { extractable: true });
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: "rsa-1", alg: "RS256", use: "sig" },
      { ...(await exportJWK(ec.publicKey)), kid: "ec-1", alg: "ES256", use: "sig" },
    ];
    server = createServer((_req, res) => {
      res.writeHead(failing ? 500 : 200, { "content-type": "application/json" });
      res.end(failing ? "{}" : JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const jwksVerifier = (algorithms: JwtVerifierOptions["algorithms"] = ["RS256"]) =>
    createJwtVerifier({ jwksUrl, fetcher: countingFetch, algorithms, accountClaim: "account_id", clockSkewSeconds: 30, clock: () => NOW_MS });

  it("verifies RS256 tokens against keys fetched once from the JWKS URL", async () => {
    fetches = 0;
    const verifier = jwksVerifier();
    for (const id of ["acc_1", "acc_2"]) {
      const token = await new SignJWT({ account_id: id, exp: NOW + 60 }).setProtectedHeader({ alg: "RS256", kid: "rsa-1" }).sign(rsa.privateKey);
      await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({ accountId: id });
    }
    expect(fetches).toBe(1);
  });

  it("accepts ES256 only when it is pinned", async () => {
    const token = await new SignJWT({ account_id: "acc_1", exp: NOW + 60 }).setProtectedHeader({ alg: "ES256", kid: "ec-1" }).sign(ec.privateKey);
    await expect(jwksVerifier(["RS256", "ES256"]).verify(`Bearer ${token}`)).resolves.toEqual({ accountId: "acc_1" });
    expect((await refusal(jwksVerifier(["RS256"]).verify(`Bearer ${token}`))).reason).toBe("invalid");
  });

  it("refuses an HS256 token forged with the public key (algorithm swap)", async () => {
    const publicPem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
    const forged = await new SignJWT({ account_id: "acc_1", exp: NOW + 60 }).setProtectedHeader({ alg: "HS256", kid: "rsa-1" }).sign(publicPem);
    expect((await refusal(jwksVerifier().verify(`Bearer ${forged}`))).reason).toBe("invalid");
  });

  it("refuses a token signed by a key outside the set", async () => {
    const stranger = await generateKeyPair("RS256");
    const token = await new SignJWT({ account_id: "acc_1", exp: NOW + 60 }).setProtectedHeader({ alg: "RS256", kid: "rsa-1" }).sign(stranger.privateKey);
    expect((await refusal(jwksVerifier().verify(`Bearer ${token}`))).reason).toBe("invalid");
  });

  it("reports unavailable keys, not a bad token, when the JWKS endpoint fails", async () => {
    failing = true;
    try {
      const token = await new SignJWT({ account_id: "acc_1", exp: NOW + 60 }).setProtectedHeader({ alg: "RS256", kid: "rsa-1" }).sign(rsa.privateKey);
      expect((await refusal(jwksVerifier().verify(`Bearer ${token}`))).reason).toBe("keys_unavailable");
    } finally {
      failing = false;
    }
  });
});

describe("createJwtVerifier configuration", () => {
  const misconfigured: { name: string; given: Partial<JwtVerifierOptions> }[] = [
    { name: "HS256 with a JWKS URL", given: { secret: undefined, jwksUrl: "https://id.example/jwks", algorithms: ["HS256"] } },
    { name: "RS256 with a secret", given: { algorithms: ["RS256"] } },
    { name: "no algorithms", given: { algorithms: [] } },
    { name: "both key sources", given: { jwksUrl: "https://id.example/jwks" } },
    { name: "a short secret", given: { secret: "short" } },
    { name: "a negative skew", given: { clockSkewSeconds: -1 } },
  ];
  it.each(misconfigured)("refuses $name", ({ given }) => {
    expect(() => secretVerifier(given)).toThrow(TypeError);
  });
});

describe("mintDevToken", () => {
  it("mints a token the verifier accepts, with subject, issuer and audience", async () => {
    const clock = createClock();
    const token = await mintDevToken({ secret: SECRET, accountId: "acc_9", expiresInSeconds: 3600, clock: clock.now, issuer: "reprise-dev", audience: "reprise" });
    const verifier = secretVerifier({ clock: clock.now, issuer: "reprise-dev", audience: "reprise", cacheSize: 0 });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({ accountId: "acc_9", subject: "acc_9" });
    clock.advance(3600 + 30);
    expect((await refusal(verifier.verify(`Bearer ${token}`))).reason).toBe("expired");
  });

  it("puts the account id in a custom claim", async () => {
    const token = await mintDevToken({ secret: SECRET, accountId: "acc_9", expiresInSeconds: 60, clock: () => NOW_MS, accountClaim: "org" });
    await expect(secretVerifier({ accountClaim: "org" }).verify(`Bearer ${token}`)).resolves.toMatchObject({ accountId: "acc_9" });
  });
});
