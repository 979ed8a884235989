import type { LookupAddress, LookupOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import { Agent, buildConnector, fetch as undiciFetch } from "undici";
import { checkLiteralHost, resolveChecked, type NetworkPolicy } from "../components/network-policy.ts";

/**
 * A `lookup` for `net.connect`/`tls.connect` that resolves with the policy's lookup and hands the
 * socket only addresses it has checked: the address a connection uses is the address the policy
 * allowed, so a DNS answer that changes after an earlier check (rebinding) cannot reach a private
 * address. Refusals surface as DestinationRefusedError, unresolvable names as HostNotFoundError.
 */
export function createGuardedLookup(policy: NetworkPolicy): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    resolveChecked(hostname, policy).then(
      (addresses) => {
        const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
        const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        if (usable.length === 0) {
          const err: NodeJS.ErrnoException = new Error(`${hostname} has no IPv${family} address`);
          err.code = "ENOTFOUND";
          callback(err, "", 0);
        } else if (options.all) {
          callback(null, usable);
        } else {
          callback(null, usable[0]!.address, usable[0]!.family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 0),
    );
  };
}

/** Options of createGuardedFetch. */
export interface GuardedFetchOptions {
  /** How long establishing a connection (TCP and TLS) may take (default 10 s, undici's). */
  connectTimeoutMs?: number;
}

/**
 * The production `fetch` of http_request nodes: undici's fetch over an Agent whose connections
 * pass the network policy at connect time. A literal-IP host is checked before the socket opens; a
 * name is resolved by {@link createGuardedLookup}, which refuses it if ANY of its addresses is
 * private (unless the policy exempts the host) and gives the socket only the checked addresses.
 * No proxy from the environment is used.
 */
export function createGuardedFetch(policy: NetworkPolicy, options: GuardedFetchOptions = {}): typeof fetch {
  const connectChecked = buildConnector({
    lookup: createGuardedLookup(policy),
    ...(options.connectTimeoutMs !== undefined ? { timeout: options.connectTimeoutMs } : {}),
  });
  const connect: buildConnector.connector = (opts, callback) => {
    // net.connect skips `lookup` for an IP literal: check it here, before any socket exists.
    try {
      checkLiteralHost(opts.hostname, policy);
    } catch (err) {
      queueMicrotask(() => callback(err as Error, null));
      return;
    }
    return connectChecked(opts, callback);
  };
  const agent = new Agent({ connect });
  const guarded = (input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher: agent });
  return guarded as unknown as typeof fetch;
}
