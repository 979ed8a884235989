import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { reservedRange } from "../net/ip-address.ts";
import { NodeError } from "./node-error.ts";

export { isPrivateAddress, reservedRange } from "../net/ip-address.ts";

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

/**
 * A destination the policy refuses. The message names the host and the address it resolved to,
 * for the server's log; tenants get {@link tenantNetworkError}'s wording instead.
 */
export class DestinationRefusedError extends Error {
  override readonly name = "DestinationRefusedError";
  readonly code = "ERR_DESTINATION_REFUSED";
  readonly host: string;
  readonly address: string;
  constructor(host: string, address: string, range: string) {
    super(`destination ${host} refused: ${host === address ? "it" : `it resolves to ${address}, which`} is ${range}`);
    this.host = host;
    this.address = address;
  }
}

/** A host name that resolved to no usable address. */
export class HostNotFoundError extends Error {
  override readonly name = "HostNotFoundError";
  readonly code = "ENOTFOUND";
  readonly host: string;
  constructor(host: string, cause?: unknown) {
    const detail = cause instanceof Error ? `: ${cause.message}` : typeof cause === "string" ? `: ${cause}` : "";
    super(`could not resolve ${host}${detail}`, { cause });
    this.host = host;
  }
}

/** The host of a URL or connection as the policy compares it: no brackets, lower case, no trailing dot. */
export function normalizeHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, "$1").toLowerCase().replace(/\.$/, "");
}

/** True when the policy lets this host reach private addresses. */
export function isHostExempt(host: string, policy: NetworkPolicy): boolean {
  if (policy.allowPrivateNetworks) return true;
  const name = normalizeHost(host);
  return policy.allowedHosts.some((h) => normalizeHost(h) === name);
}

/**
 * For a literal-IP host, the address once the policy allows it; undefined for a name.
 * @throws DestinationRefusedError when the address is private and the host is not exempt
 */
export function checkLiteralHost(host: string, policy: NetworkPolicy): { address: string; family: 4 | 6 } | undefined {
  const name = normalizeHost(host);
  const family = isIP(name);
  if (family === 0) return undefined;
  const range = reservedRange(name);
  if (range !== undefined && !isHostExempt(name, policy)) throw new DestinationRefusedError(name, name, range);
  return { address: name, family: family as 4 | 6 };
}

/**
 * Resolves a host (a literal IP resolves to itself) with the policy's lookup and checks every
 * address. Resolves with the checked addresses, which are the only ones a connection may use.
 * @throws DestinationRefusedError when any address is private and the host is not exempt
 * @throws HostNotFoundError when the name does not resolve
 */
export async function resolveChecked(host: string, policy: NetworkPolicy): Promise<{ address: string; family: 4 | 6 }[]> {
  const name = normalizeHost(host);
  const literal = checkLiteralHost(name, policy);
  if (literal) return [literal];
  const exempt = isHostExempt(name, policy);
  let results: { address: string; family: number }[];
  try {
    results = await policy.lookup(name);
  } catch (err) {
    throw new HostNotFoundError(name, err);
  }
  const addresses: { address: string; family: 4 | 6 }[] = [];
  for (const { address } of results ?? []) {
    const family = isIP(address);
    if (family === 0) throw new HostNotFoundError(name, `the resolver answered "${address}", which is no IP address`);
    addresses.push({ address, family: family as 4 | 6 });
  }
  if (addresses.length === 0) throw new HostNotFoundError(name, "no addresses");
  if (!exempt) {
    for (const { address } of addresses) {
      const range = reservedRange(address);
      if (range !== undefined) throw new DestinationRefusedError(name, address, range);
    }
  }
  return addresses;
}

/**
 * Refuses a URL whose host is, or resolves to, any private address. This is the early check (no
 * request is made for a refused host); the production fetcher checks again inside the connection
 * itself and connects only to the addresses it checked, so a DNS answer that changes in between
 * (rebinding) cannot reach a private address.
 */
export async function assertAllowedDestination(url: URL, policy: NetworkPolicy): Promise<void> {
  if (policy.allowPrivateNetworks) return;
  try {
    await resolveChecked(url.hostname, policy);
  } catch (err) {
    throw tenantNetworkError(err) ?? err;
  }
}

/**
 * The NodeError a tenant sees for a refused or unresolvable destination found anywhere in an
 * error's cause chain, or undefined when there is none. It never names a resolved address (only the
 * host the tenant or a redirect gave); the detail stays in `cause` for the server's log.
 */
export function tenantNetworkError(err: unknown): NodeError | undefined {
  const refused = findInChain(err, (e) => e instanceof DestinationRefusedError) as DestinationRefusedError | undefined;
  if (refused) {
    const what = isIP(refused.host) !== 0 ? "is a private or reserved address" : "resolves to a private or reserved address";
    return new NodeError(`destination ${refused.host} is refused: it ${what}`, { cause: err, code: "destination_refused" });
  }
  const notFound = findInChain(err, (e) => e instanceof HostNotFoundError) as HostNotFoundError | undefined;
  if (notFound) return new NodeError(`could not resolve host ${notFound.host}`, { cause: err, code: "host_not_found" });
  return undefined;
}

/** The first error in `err`, its causes and (for an AggregateError) its errors that matches. */
export function findInChain(err: unknown, match: (e: unknown) => boolean): unknown {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === null || e === undefined || seen.has(e)) continue;
    seen.add(e);
    if (match(e)) return e;
    if (typeof e === "object") {
      queue.push((e as { cause?: unknown }).cause);
      if (e instanceof AggregateError) queue.push(...e.errors);
    }
  }
  return undefined;
}
