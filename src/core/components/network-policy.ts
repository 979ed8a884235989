import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { NodeError } from "./node-error.ts";

/** Resolves a host name to its addresses; injected so tests need no DNS. */
export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** Resolves with the system resolver (all addresses, so none can slip past the check). */
export const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Who may be called: by default only public addresses. */
export interface NetworkPolicy {
  /** Allow loopback, private, link-local and metadata destinations (local development, tests). */
  allowPrivateNetworks: boolean;
  /** Hosts (names or literal IPs) allowed even when they resolve to private addresses. */
  allowedHosts: readonly string[];
  lookup: Lookup;
}

// Loopback, RFC 1918, CGNAT, link-local (incl. 169.254.169.254 metadata), multicast, reserved,
// and their IPv6 counterparts (fc00::/7 covers fd00::/8 and fd00:ec2::254); IPv4-mapped IPv6 is
// matched against the IPv4 rules by BlockList itself.
const PRIVATE_RANGES: [string, number, "ipv4" | "ipv6"][] = [
  ["0.0.0.0", 8, "ipv4"],
  ["10.0.0.0", 8, "ipv4"],
  ["100.64.0.0", 10, "ipv4"],
  ["127.0.0.0", 8, "ipv4"],
  ["169.254.0.0", 16, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.0.0.0", 24, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["198.18.0.0", 15, "ipv4"],
  ["224.0.0.0", 4, "ipv4"],
  ["240.0.0.0", 4, "ipv4"],
  ["::", 128, "ipv6"],
  ["::1", 128, "ipv6"],
  ["64:ff9b::", 96, "ipv6"],
  ["fc00::", 7, "ipv6"],
  ["fe80::", 10, "ipv6"],
  ["ff00::", 8, "ipv6"],
];

const privateList = new BlockList();
for (const [net, prefix, type] of PRIVATE_RANGES) privateList.addSubnet(net, prefix, type);

/** True for addresses a workflow must not reach unless allowed (SSRF guard). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return privateList.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Refuses a URL whose host resolves to any private address. The check resolves the name itself,
 * so a later DNS change (rebinding) between check and connect is not covered.
 */
export async function assertAllowedDestination(url: URL, policy: NetworkPolicy): Promise<void> {
  if (policy.allowPrivateNetworks) return;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (policy.allowedHosts.some((h) => h.toLowerCase() === host)) return;
  const addresses = isIP(host) ? [host] : await resolveAll(host, policy.lookup);
  const blocked = addresses.find(isPrivateAddress);
  if (blocked !== undefined) {
    throw new NodeError(
      `destination ${host} resolves to ${blocked}, a loopback, private, link-local or metadata address; refused ` +
        `(allow it with allowPrivateNetworks or the allowed hosts list)`,
    );
  }
}

async function resolveAll(host: string, lookup: Lookup): Promise<string[]> {
  try {
    const results = await lookup(host);
    if (results.length === 0) throw new Error("no addresses");
    return results.map((r) => r.address);
  } catch (err) {
    throw new NodeError(`could not resolve ${host}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
