import type { ComponentServices, NodeInput, NodeSpec, RunContext, Sandbox } from "../../src/core/index.ts";
import { createTestSandbox } from "./sandbox.ts";

let sandbox: Sandbox | undefined;
/** One sandbox for the components a test file runs directly (its idle processes do not hold the test process). */
export function testSandbox(): Sandbox {
  sandbox ??= createTestSandbox({ processes: 2 });
  return sandbox;
}

/** Services for running a component directly: private networks allowed unless overridden. */
export function testServices(overrides: Partial<ComponentServices> & { allowPrivateNetworks?: boolean; allowedHosts?: string[] } = {}): ComponentServices {
  const { allowPrivateNetworks = true, allowedHosts = [], ...rest } = overrides;
  return {
    fetcher: (input, init) => fetch(input, init),
    network: { allowPrivateNetworks, allowedHosts, lookup: async () => [{ address: "93.184.216.34", family: 4 }] },
    httpTimeoutMs: 5_000,
    maxResponseBytes: 1024 * 1024,
    sandbox: { run: (task, limits) => testSandbox().run(task, { account: "test-account", ...limits }) },
    ...rest,
  };
}

/** A NodeInput for one node with the given config and context. */
export function nodeInput(
  node: NodeSpec,
  options: { context?: RunContext; services?: ComponentServices; signal?: AbortSignal; now?: Date } = {},
): NodeInput {
  return {
    node,
    config: node.config ?? {},
    context: options.context ?? { trigger: {}, nodes: {} },
    now: options.now ?? new Date("2025-10-31T12:00:00Z"),
    signal: options.signal ?? new AbortController().signal,
    services: options.services ?? testServices(),
  };
}
