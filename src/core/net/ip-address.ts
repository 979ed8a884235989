import { isIPv4, isIPv6 } from "node:net";

/**
 * Which addresses a workflow may not reach unless the operator allows it (SSRF guard): the IANA
 * special-purpose ranges that are not globally reachable, and IPv6 addresses that carry such an
 * IPv4 address inside them (IPv4-mapped, IPv4-compatible, SIIT, NAT64, 6to4, Teredo).
 */

/** [first address, prefix length, name] */
type Range = readonly [string, number, string];

const IPV4_RANGES: readonly Range[] = [
  ["0.0.0.0", 8, "this network"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "shared address space (CGNAT)"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local (cloud metadata)"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignments"],
  ["192.0.2.0", 24, "documentation (TEST-NET-1)"],
  ["192.88.99.0", 24, "6to4 relay anycast"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["198.51.100.0", 24, "documentation (TEST-NET-2)"],
  ["203.0.113.0", 24, "documentation (TEST-NET-3)"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved (incl. broadcast)"],
];

/** IPv6 ranges refused outright (the embedding ranges are handled by embeddedIPv4). */
const IPV6_RANGES: readonly Range[] = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["100::", 64, "discard-only"],
  ["2001:2::", 48, "benchmarking"],
  ["2001:10::", 28, "ORCHID"],
  ["2001:20::", 28, "ORCHIDv2"],
  ["2001:db8::", 32, "documentation"],
  ["3fff::", 20, "documentation"],
  ["5f00::", 16, "segment routing (SRv6) SIDs"],
  ["fc00::", 7, "unique local"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "site-local"],
  ["ff00::", 8, "multicast"],
];

const V4 = IPV4_RANGES.map(([base, prefix, name]) => ({ base: parseIPv4(base)!, prefix, name }));
const V6 = IPV6_RANGES.map(([base, prefix, name]) => ({ base: parseIPv6(base)!, prefix, name }));

/** An IPv4 address as an unsigned 32-bit number, or undefined when the text is not dotted-quad IPv4. */
export function parseIPv4(text: string): number | undefined {
  if (!isIPv4(text)) return undefined;
  const [a, b, c, d] = text.split(".").map(Number) as [number, number, number, number];
  return a * 0x1000000 + b * 0x10000 + c * 0x100 + d;
}

/** An IPv6 address (zone id ignored) as 16 bytes, or undefined when the text is not IPv6. */
export function parseIPv6(text: string): Uint8Array | undefined {
  const address = text.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  if (!isIPv6(address)) return undefined;
  let head = address;
  const words: number[] = [];
  // A trailing dotted quad stands for the last two words.
  const dotted = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  let tail: number[] = [];
  if (dotted) {
    const v4 = parseIPv4(dotted[1]!);
    if (v4 === undefined) return undefined;
    tail = [Math.floor(v4 / 0x10000), v4 % 0x10000];
    head = address.slice(0, address.length - dotted[1]!.length);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const [left, right] = head.split("::") as [string, string | undefined];
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((w) => Number.parseInt(w, 16)));
  const leftWords = parse(left);
  const rightWords = [...(right === undefined ? [] : parse(right)), ...tail];
  if (right === undefined) {
    words.push(...leftWords, ...rightWords);
  } else {
    const zeros = 8 - leftWords.length - rightWords.length;
    if (zeros < 0) return undefined;
    words.push(...leftWords, ...new Array<number>(zeros).fill(0), ...rightWords);
  }
  if (words.length !== 8 || words.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffff)) return undefined;
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8;
    bytes[i * 2 + 1] = w & 0xff;
  });
  return bytes;
}

/** Dotted-quad text of an unsigned 32-bit IPv4 number. */
export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join(".");
}

function v4InRange(address: number, base: number, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(address / size) === Math.floor(base / size);
}

function v6InRange(address: Uint8Array, base: Uint8Array, prefix: number): boolean {
  let bits = prefix;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((address[i]! & mask) !== (base[i]! & mask)) return false;
  }
  return true;
}

function v4At(bytes: Uint8Array, indexes: readonly number[]): number {
  return indexes.reduce((acc, i) => acc * 256 + bytes[i]!, 0);
}

const NAT64_WELL_KNOWN = parseIPv6("64:ff9b::")!;
const NAT64_LOCAL = parseIPv6("64:ff9b:1::")!;
const SIX_TO_FOUR = parseIPv6("2002::")!;
const TEREDO = parseIPv6("2001::")!;
const MAPPED = parseIPv6("::ffff:0:0")!;
const TRANSLATED = parseIPv6("::ffff:0:0:0")!;
const COMPATIBLE = parseIPv6("::")!;
const LAST_32 = [12, 13, 14, 15];
// Where RFC 6052 puts the IPv4 address for a NAT64 prefix of /48, /56, /64 and /96 (bits 64..71 are
// the reserved "u" octet). The local-use prefix 64:ff9b:1::/48 may be cut into any of these.
const RFC6052_POSITIONS = [
  [6, 7, 9, 10],
  [7, 9, 10, 11],
  [9, 10, 11, 12],
  LAST_32,
];

/** The IPv4 addresses an IPv6 address carries by a standard embedding, with the embedding's name. */
export function embeddedIPv4(bytes: Uint8Array): { address: number; via: string }[] {
  const found: { address: number; via: string }[] = [];
  if (v6InRange(bytes, MAPPED, 96)) found.push({ address: v4At(bytes, LAST_32), via: "IPv4-mapped" });
  else if (v6InRange(bytes, TRANSLATED, 96)) found.push({ address: v4At(bytes, LAST_32), via: "IPv4-translated" });
  else if (v6InRange(bytes, COMPATIBLE, 96)) found.push({ address: v4At(bytes, LAST_32), via: "IPv4-compatible" });
  else if (v6InRange(bytes, NAT64_WELL_KNOWN, 96)) found.push({ address: v4At(bytes, LAST_32), via: "NAT64" });
  else if (v6InRange(bytes, NAT64_LOCAL, 48)) {
    for (const at of RFC6052_POSITIONS) found.push({ address: v4At(bytes, at), via: "local-use NAT64" });
  } else if (v6InRange(bytes, SIX_TO_FOUR, 16)) found.push({ address: v4At(bytes, [2, 3, 4, 5]), via: "6to4" });
  else if (v6InRange(bytes, TEREDO, 32)) {
    found.push({ address: v4At(bytes, [4, 5, 6, 7]), via: "Teredo server" });
    found.push({ address: (v4At(bytes, LAST_32) ^ 0xffffffff) >>> 0, via: "Teredo client" });
  }
  return found;
}

function ipv4Range(address: number): string | undefined {
  return V4.find((r) => v4InRange(address, r.base, r.prefix))?.name;
}

/**
 * Why an address may not be reached (its special-use range, e.g. "loopback" or "6to4 of
 * 127.0.0.1: loopback"), or undefined for a globally reachable address or a text that is no IP.
 */
export function reservedRange(address: string): string | undefined {
  const v4 = parseIPv4(address);
  if (v4 !== undefined) return ipv4Range(v4);
  const v6 = parseIPv6(address);
  if (v6 === undefined) return undefined;
  const range = V6.find((r) => v6InRange(v6, r.base, r.prefix));
  if (range) return range.name;
  for (const { address: inner, via } of embeddedIPv4(v6)) {
    const name = ipv4Range(inner);
    if (name !== undefined) return `${via} of ${formatIPv4(inner)}: ${name}`;
  }
  return undefined;
}

/** True for addresses a workflow must not reach unless allowed (SSRF guard). */
export function isPrivateAddress(address: string): boolean {
  return reservedRange(address) !== undefined;
}
