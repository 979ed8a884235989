import { createInThreadSandbox, createSandbox, type Sandbox, type SandboxOptions } from "../../src/core/index.ts";

// `npm run test:fast` sets TEST_SANDBOX=in-thread: its tests start no process, so tenant code runs on
// the calling thread. Everywhere else (npm test, npx vitest run) it runs in the sandbox's processes.
const IN_THREAD = process.env.TEST_SANDBOX === "in-thread";

/** A sandbox for tests that run components directly: the process pool, or the calling thread under test:fast. */
export function createTestSandbox(options: Partial<SandboxOptions> = {}): Sandbox {
  return IN_THREAD ? createInThreadSandbox() : createSandbox(options);
}

/** The sandbox a test engine is given: none (the engine starts its own pool), or the calling thread under test:fast. */
export function engineSandbox(): Sandbox | undefined {
  return IN_THREAD ? createInThreadSandbox() : undefined;
}
