import { describe, expect, it } from "vitest";
import { API_KEY_MARKER, displayPrefixOf, generateApiKey, hashApiKey, isApiKey } from "../../src/shared/api-key.ts";

// A key of the shape every earlier release issued; stored keys like it must keep working.
const ISSUED_KEY = "alloy_3kQ9zXw0bTn7LmA2cVe5RfY8hJu1GpDs4iKo6WqE";

describe("generateApiKey", () => {
  it("makes alloy_ keys of 40 base62 characters with their hash and display prefix", () => {
    const key = generateApiKey();
    expect(key.plaintext).toMatch(/^alloy_[0-9A-Za-z]{40}$/);
    expect(isApiKey(key.plaintext)).toBe(true);
    expect(key.hash).toBe(hashApiKey(key.plaintext));
    expect(key.prefix).toBe(displayPrefixOf(key.plaintext));
  });

  it("never repeats and uses the whole alphabet", () => {
    const keys = Array.from({ length: 500 }, () => generateApiKey().plaintext);
    expect(new Set(keys).size).toBe(500);
    const characters = new Set(keys.flatMap((key) => [...key.slice(API_KEY_MARKER.length)]));
    expect(characters.size).toBe(62);
  });
});

describe("isApiKey", () => {
  it.each([
    { given: ISSUED_KEY, want: true },
    { given: "alloy_" + "x".repeat(40), want: true },
    { given: "alloy_" + "x".repeat(39), want: false },
    { given: "alloy_" + "x".repeat(41), want: false },
    { given: "other_" + "x".repeat(40), want: false },
    { given: "alloy_" + "x".repeat(39) + "-", want: false },
    { given: ` ${ISSUED_KEY}`, want: false },
    { given: `${ISSUED_KEY}\n`, want: false },
    { given: "", want: false },
  ])("$given → $want", ({ given, want }) => {
    expect(isApiKey(given)).toBe(want);
  });
});

describe("hashApiKey", () => {
  it("is SHA-256 in lowercase hex", () => {
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("displayPrefixOf", () => {
  it("is the marker and four characters, the length of every prefix already stored", () => {
    expect(displayPrefixOf(ISSUED_KEY)).toBe("alloy_3kQ9");
  });
});
